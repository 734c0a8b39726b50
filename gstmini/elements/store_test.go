package elements

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMemoryStore_ZeroValueStoresCopies(t *testing.T) {
	var m MemoryStore
	assert.Empty(t, m.Keys())
	_, ok := m.Get("x")
	assert.False(t, ok)

	data := []byte("abc")
	require.NoError(t, m.Put(context.Background(), "b/2.ts", data))
	require.NoError(t, m.Put(context.Background(), "a/1.ts", nil))
	data[0] = 'X' // the store kept its own copy
	got, ok := m.Get("b/2.ts")
	require.True(t, ok)
	assert.Equal(t, "abc", string(got))
	got[1] = 'Y' // and Get returns a copy
	got, _ = m.Get("b/2.ts")
	assert.Equal(t, "abc", string(got))
	empty, ok := m.Get("a/1.ts")
	assert.True(t, ok, "an empty object exists")
	assert.Empty(t, empty)
	assert.Equal(t, []string{"a/1.ts", "b/2.ts"}, m.Keys(), "keys are sorted")

	require.NoError(t, m.Put(context.Background(), "b/2.ts", []byte("new")))
	got, _ = m.Get("b/2.ts")
	assert.Equal(t, "new", string(got), "Put replaces")
}

func TestMemoryStore_ConcurrentPuts(t *testing.T) {
	var m MemoryStore
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 50 {
				key := fmt.Sprintf("g%d/%02d", i, j)
				assert.NoError(t, m.Put(context.Background(), key, []byte(key)))
				m.Keys()
				m.Get(key)
			}
		})
	}
	wg.Wait()
	assert.Len(t, m.Keys(), 400)
}

func TestStores_RefuseBadKeysAndCancelledContexts(t *testing.T) {
	dir, err := NewDirStore(t.TempDir())
	require.NoError(t, err)
	stores := map[string]Store{"memory": &MemoryStore{}, "dir": dir}
	for name, st := range stores {
		t.Run(name, func(t *testing.T) {
			for _, key := range []string{"", "/abs.ts", "../escape.ts", "a/../../escape.ts"} {
				err := st.Put(context.Background(), key, []byte("x"))
				assert.ErrorIs(t, err, ErrInvalidKey, "Put(%q)", key)
				assert.ErrorContains(t, err, fmt.Sprintf("%q", key))
			}
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			err := st.Put(ctx, "ok.ts", []byte("x"))
			assert.ErrorIs(t, err, context.Canceled)
			assert.ErrorContains(t, err, `"ok.ts"`)
		})
	}
	entries, err := os.ReadDir(dir.Dir())
	require.NoError(t, err)
	assert.Empty(t, entries, "a refused Put writes nothing")
}

func TestDirStore_WritesFilesAtomically(t *testing.T) {
	root := filepath.Join(t.TempDir(), "out")
	st, err := NewDirStore(root)
	require.NoError(t, err, "NewDirStore creates missing directories")
	assert.Equal(t, root, st.Dir())

	require.NoError(t, st.Put(context.Background(), "live-streams/segment00000.ts", []byte("one")))
	require.NoError(t, st.Put(context.Background(), "live-streams/segment00000.ts", []byte("two")))
	got, err := os.ReadFile(filepath.Join(root, "live-streams", "segment00000.ts"))
	require.NoError(t, err)
	assert.Equal(t, "two", string(got))
	info, err := os.Stat(filepath.Join(root, "live-streams", "segment00000.ts"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o644), info.Mode().Perm())

	entries, err := os.ReadDir(filepath.Join(root, "live-streams"))
	require.NoError(t, err)
	require.Len(t, entries, 1, "no temporary files are left behind")
	assert.Equal(t, "segment00000.ts", entries[0].Name())
}

func TestDirStore_ErrorsNameThePath(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	_, err := NewDirStore(file)
	require.Error(t, err)
	assert.ErrorContains(t, err, file)

	st, err := NewDirStore(t.TempDir())
	require.NoError(t, err)
	require.NoError(t, st.Put(context.Background(), "a", []byte("file, not a directory")))
	err = st.Put(context.Background(), "a/b.ts", []byte("x"))
	require.Error(t, err)
	assert.ErrorContains(t, err, `"a/b.ts"`)
	assert.ErrorContains(t, err, filepath.Join(st.Dir(), "a", "b.ts"))
	assert.False(t, errors.Is(err, ErrInvalidKey))
}
