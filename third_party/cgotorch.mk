# Builds gotorch's C++ shim, libcgotorch.so, from the pinned module's own
# cgotorch/*.cc against an installed libtorch. Driven by build-cgotorch.sh,
# which sets the variables below; make gives us parallel (-j) and
# incremental builds (an object is rebuilt only when its source, a header or
# the flags change).
#
#   SRC      gotorch's cgotorch/ folder in the module cache (read-only)
#   OUT      build folder for objects and the library
#   INCS     include flags for libtorch
#   LIBS     link flags for libtorch
#   DEFS     extra defines (-DWITH_CUDA for a CUDA libtorch)

CXX ?= g++
srcs := $(wildcard $(SRC)/*.cc)
hdrs := $(wildcard $(SRC)/*.h)
objs := $(patsubst $(SRC)/%.cc,$(OUT)/%.o,$(srcs))
flags := -std=c++14 -O2 -fPIC -D_GLIBCXX_USE_CXX11_ABI=1 $(DEFS) -I$(SRC)/.. $(INCS)

all: $(OUT)/libcgotorch.so

# The flags file changes only when the flags do, forcing a rebuild then.
$(OUT)/flags: FORCE
	@mkdir -p $(OUT)
	@echo '$(flags) $(LIBS)' | cmp -s - $@ || echo '$(flags) $(LIBS)' > $@

$(OUT)/%.o: $(SRC)/%.cc $(hdrs) $(OUT)/flags
	$(CXX) $(flags) -c $< -o $@

$(OUT)/libcgotorch.so: $(objs)
	$(CXX) -shared -o $@ $(objs) $(LIBS)

FORCE:
.PHONY: all FORCE
