package checkpoint

import (
	"fmt"
	"strings"
)

// Container, memo and object opcodes of the unpickler (pickle_read.go).

func opTuple(u *unpickler) error {
	items, err := u.popMark()
	u.push(pyTuple(items))
	return err
}

func opTupleN(n int) func(*unpickler) error {
	return func(u *unpickler) error {
		if len(u.stack) < n {
			return fmt.Errorf("%w: pickle stack underflow", ErrCorrupt)
		}
		t := make(pyTuple, n)
		copy(t, u.stack[len(u.stack)-n:])
		u.stack = u.stack[:len(u.stack)-n]
		u.push(t)
		return nil
	}
}

func opListMark(u *unpickler) error {
	items, err := u.popMark()
	l := pyList(items)
	u.push(&l)
	return err
}

func listAt(u *unpickler) (*pyList, error) {
	v, err := u.top()
	if err != nil {
		return nil, err
	}
	l, ok := v.(*pyList)
	if !ok {
		return nil, fmt.Errorf("%w: APPEND to a %s", ErrCorrupt, pyTypeName(v))
	}
	return l, nil
}

func opAppend(u *unpickler) error {
	v, err := u.pop()
	if err != nil {
		return err
	}
	l, err := listAt(u)
	if err != nil {
		return err
	}
	*l = append(*l, v)
	return nil
}

func opAppends(u *unpickler) error {
	items, err := u.popMark()
	if err != nil {
		return err
	}
	l, err := listAt(u)
	if err != nil {
		return err
	}
	*l = append(*l, items...)
	return nil
}

func opDictMark(u *unpickler) error {
	items, err := u.popMark()
	if err != nil {
		return err
	}
	d := &pyDict{}
	u.push(d)
	return setItems(d, items)
}

func dictAt(u *unpickler) (*pyDict, error) {
	v, err := u.top()
	if err != nil {
		return nil, err
	}
	d, ok := v.(*pyDict)
	if !ok {
		return nil, fmt.Errorf("%w: SETITEM on a %s", ErrCorrupt, pyTypeName(v))
	}
	return d, nil
}

func setItems(d *pyDict, items []any) error {
	if len(items)%2 != 0 {
		return fmt.Errorf("%w: odd number of dict items", ErrCorrupt)
	}
	for i := 0; i < len(items); i += 2 {
		d.set(items[i], items[i+1])
	}
	return nil
}

func opSetItem(u *unpickler) error {
	if len(u.stack) < 2 {
		return fmt.Errorf("%w: pickle stack underflow", ErrCorrupt)
	}
	k, v := u.stack[len(u.stack)-2], u.stack[len(u.stack)-1]
	u.stack = u.stack[:len(u.stack)-2]
	d, err := dictAt(u)
	if err != nil {
		return err
	}
	d.set(k, v)
	return nil
}

func opSetItems(u *unpickler) error {
	items, err := u.popMark()
	if err != nil {
		return err
	}
	d, err := dictAt(u)
	if err != nil {
		return err
	}
	return setItems(d, items)
}

func opPut(idxBytes int) func(*unpickler) error {
	return func(u *unpickler) error {
		i, err := u.uint(idxBytes)
		if err != nil {
			return err
		}
		v, err := u.top()
		u.memo[i] = v
		return err
	}
}

func opMemoize(u *unpickler) error {
	v, err := u.top()
	u.memo[uint64(len(u.memo))] = v
	return err
}

func opGet(idxBytes int) func(*unpickler) error {
	return func(u *unpickler) error {
		i, err := u.uint(idxBytes)
		if err != nil {
			return err
		}
		v, ok := u.memo[i]
		if !ok {
			return fmt.Errorf("%w: memo entry %d was never stored", ErrCorrupt, i)
		}
		u.push(v)
		return nil
	}
}

func (u *unpickler) global(g pyGlobal) error {
	if u.resolve == nil {
		return fmt.Errorf("%w: Python object %s.%s", ErrUnsupported, g.module, g.name)
	}
	v, err := u.resolve(g)
	u.push(v)
	return hooked(err)
}

func opGlobal(u *unpickler) error {
	module, err := u.line()
	if err != nil {
		return err
	}
	name, err := u.line()
	if err != nil {
		return err
	}
	return u.global(pyGlobal{strings.TrimSpace(module), strings.TrimSpace(name)})
}

func opStackGlobal(u *unpickler) error {
	name, err1 := u.pop()
	module, err2 := u.pop()
	n, ok1 := name.(string)
	m, ok2 := module.(string)
	if err1 != nil || err2 != nil || !ok1 || !ok2 {
		return fmt.Errorf("%w: STACK_GLOBAL needs two strings", ErrCorrupt)
	}
	return u.global(pyGlobal{m, n})
}

func opBinPersID(u *unpickler) error {
	pid, err := u.pop()
	if err != nil {
		return err
	}
	if u.persistent == nil {
		return fmt.Errorf("%w: persistent id outside a checkpoint", ErrUnsupported)
	}
	v, err := u.persistent(pid)
	u.push(v)
	return hooked(err)
}

func opReduce(u *unpickler) error {
	args, err1 := u.pop()
	fn, err2 := u.pop()
	if err1 != nil || err2 != nil {
		return fmt.Errorf("%w: pickle stack underflow", ErrCorrupt)
	}
	t, ok := args.(pyTuple)
	if !ok {
		return fmt.Errorf("%w: REDUCE arguments are a %s, not a tuple", ErrCorrupt, pyTypeName(args))
	}
	if u.reduce == nil {
		return fmt.Errorf("%w: calls to %s", ErrUnsupported, pyTypeName(fn))
	}
	v, err := u.reduce(fn, t)
	u.push(v)
	return hooked(err)
}

func opBuild(u *unpickler) error {
	state, err := u.pop()
	if err != nil {
		return err
	}
	obj, err := u.top()
	if err != nil {
		return err
	}
	if u.build == nil {
		return fmt.Errorf("%w: BUILD of a %s", ErrUnsupported, pyTypeName(obj))
	}
	return hooked(u.build(obj, state))
}

// pyTypeName names the Python type of v for error messages.
func pyTypeName(v any) string {
	switch v := v.(type) {
	case nil:
		return "None"
	case bool:
		return "bool"
	case int64:
		return "int"
	case float64:
		return "float"
	case string:
		return "str"
	case []byte:
		return "bytes"
	case pyTuple:
		return "tuple"
	case *pyList:
		return "list"
	case *pyDict:
		return "dict"
	case pyGlobal:
		return v.module + "." + v.name
	}
	return fmt.Sprintf("%T", v)
}
