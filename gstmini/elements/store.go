package elements

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// ErrInvalidKey is returned, wrapped with the key, by a Store's Put when the
// key is empty, absolute, or climbs out of the store with "..". Test for it
// with errors.Is.
var ErrInvalidKey = errors.New("elements: invalid store key")

// A Store is where S3Sink uploads segments and playlists: an object store
// reduced to the one call an uploader needs, S3's PutObject. Keys are
// slash-separated relative paths such as "live-streams/segment00000.ts".
//
// Put stores data under key, replacing any object already there, and returns
// only once the object is complete: a reader never sees half an object. It
// must return promptly with an error wrapping ctx.Err() when ctx is
// cancelled (S3Sink cancels it when it is flushed or shut down). Put must
// not keep data after it returns: the caller may reuse it. Implementations
// must be safe for concurrent use.
type Store interface {
	Put(ctx context.Context, key string, data []byte) error
}

// checkKey validates a store key: a non-empty, relative, slash-separated
// path that stays inside the store.
func checkKey(key string) error {
	if key == "" || strings.HasPrefix(key, "/") || !filepath.IsLocal(filepath.FromSlash(key)) {
		return fmt.Errorf("%w %q: want a relative path like \"bucket/segment00000.ts\" that stays inside the store", ErrInvalidKey, key)
	}
	return nil
}

// A MemoryStore is a Store that keeps objects in memory, for tests and
// examples. The zero value is an empty store, ready to use. It is safe for
// concurrent use.
type MemoryStore struct {
	mu      sync.Mutex
	objects map[string][]byte
}

var _ Store = (*MemoryStore)(nil)

// Put stores a copy of data under key. It fails, storing nothing, if ctx is
// already done or the key is invalid (ErrInvalidKey).
func (m *MemoryStore) Put(ctx context.Context, key string, data []byte) error {
	if err := checkKey(key); err != nil {
		return fmt.Errorf("memory store: put: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("memory store: put %q: %w", key, err)
	}
	c := slices.Clone(data)
	if c == nil {
		c = []byte{}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.objects == nil {
		m.objects = make(map[string][]byte)
	}
	m.objects[key] = c
	return nil
}

// Get returns a copy of the object stored under key, or ok=false if there
// is none.
func (m *MemoryStore) Get(key string) (data []byte, ok bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	d, ok := m.objects[key]
	if !ok {
		return nil, false
	}
	return slices.Clone(d), true
}

// Keys returns the keys of all stored objects, sorted.
func (m *MemoryStore) Keys() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	keys := make([]string, 0, len(m.objects))
	for k := range m.objects {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// A DirStore is a Store that writes each object to a file under a
// directory: key "a/b.ts" becomes the file <dir>/a/b.ts, with the
// directories it needs. Create it with NewDirStore. It is safe for
// concurrent use; two Puts of the same key leave one of the two objects.
type DirStore struct {
	dir string
}

var _ Store = (*DirStore)(nil)

// NewDirStore returns a store writing under dir, which it creates (with its
// parents) if needed. The error names dir.
func NewDirStore(dir string) (*DirStore, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("dir store %s: %w", dir, err)
	}
	return &DirStore{dir: dir}, nil
}

// Dir returns the directory the store writes under.
func (d *DirStore) Dir() string { return d.dir }

// Put writes data to the file for key atomically: it writes a temporary file
// in the same directory, syncs it, and renames it over the target, so a
// reader sees either the old file or the complete new one, never a partial
// file, as an S3 reader never sees a partial object. It fails, writing
// nothing, if ctx is already done or the key is invalid (ErrInvalidKey). Errors
// name the key and the path.
func (d *DirStore) Put(ctx context.Context, key string, data []byte) (err error) {
	if err := checkKey(key); err != nil {
		return fmt.Errorf("dir store %s: put: %w", d.dir, err)
	}
	path := filepath.Join(d.dir, filepath.FromSlash(key))
	wrap := func(err error) error { return fmt.Errorf("dir store: put %q (%s): %w", key, path, err) }
	if err := ctx.Err(); err != nil {
		return wrap(err)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return wrap(err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return wrap(err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if _, err := f.Write(data); err != nil {
		return wrap(err)
	}
	if err := f.Chmod(0o644); err != nil {
		return wrap(err)
	}
	if err := f.Sync(); err != nil {
		return wrap(err)
	}
	if err := f.Close(); err != nil {
		return wrap(err)
	}
	if err := ctx.Err(); err != nil {
		return wrap(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return wrap(err)
	}
	return nil
}
