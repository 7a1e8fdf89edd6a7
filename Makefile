# Shorthands for the two commands in the README (make itself is installed by
# scripts/setup.sh on a fresh machine, so the README calls the scripts).
.PHONY: demo test setup
demo:
	bash scripts/demo.sh
test:
	bash scripts/test.sh
setup:
	bash scripts/setup.sh
