// go-verifier checks a Probity ledger with Go's own transparency-log code
// (golang.org/x/mod/sumdb/note and sumdb/tlog), an implementation independent of ours:
// the checkpoint signature, the tree hash rebuilt from tiles, the inclusion of every
// entry in the entry bundles, and optionally consistency with an older checkpoint.
//
// Build (Debian): GO111MODULE=off GOPATH=/usr/share/gocode go build -o go-verifier .
// Usage: go-verifier -url http://127.0.0.1:PORT -key VKEY [-old-checkpoint FILE] [-sample N]
package main

import (
	"bytes"
	"encoding/binary"
	"flag"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

const tileHeight = 8

var client = &http.Client{Timeout: 30 * time.Second}

func fetch(base, path string) ([]byte, error) {
	resp, err := client.Get(strings.TrimRight(base, "/") + "/ledger/" + path)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<24))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET /ledger/%s: %s", path, resp.Status)
	}
	return body, nil
}

// c2spPath turns Go's "tile/8/L/N[.p/W]" into the C2SP "tile/L/N[.p/W]" (height is fixed
// at 8 and not in the URL) and Go's "data" level into C2SP's "entries".
func c2spPath(t tlog.Tile) string {
	p := strings.TrimPrefix(t.Path(), fmt.Sprintf("tile/%d/", tileHeight))
	if strings.HasPrefix(p, "data/") {
		p = "entries/" + strings.TrimPrefix(p, "data/")
	}
	return "tile/" + p
}

// httpTiles is a tlog.TileReader over HTTP, keeping fetched tiles in memory so that
// proving many records downloads each tile once.
type httpTiles struct {
	base    string
	mu      sync.Mutex
	cache   map[tlog.Tile][]byte
	fetched int
}

func (r *httpTiles) Height() int { return tileHeight }

func (r *httpTiles) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		r.mu.Lock()
		data, ok := r.cache[t]
		r.mu.Unlock()
		if !ok {
			var err error
			data, err = fetch(r.base, c2spPath(t))
			if err != nil {
				return nil, err
			}
			r.mu.Lock()
			r.cache[t] = data
			r.fetched++
			r.mu.Unlock()
		}
		out[i] = data
	}
	return out, nil
}

// SaveTiles is called once tiles are authenticated; everything is in memory already.
func (r *httpTiles) SaveTiles(tiles []tlog.Tile, data [][]byte) {}

// memoReader remembers hashes that the TileHashReader underneath has already authenticated,
// so proving every record of a large log costs one tile authentication per bundle, not per record.
type memoReader struct {
	r    tlog.HashReader
	memo map[int64]tlog.Hash
}

func (m *memoReader) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	var missing []int64
	for _, x := range indexes {
		if _, ok := m.memo[x]; !ok {
			missing = append(missing, x)
		}
	}
	if len(missing) > 0 {
		got, err := m.r.ReadHashes(missing)
		if err != nil {
			return nil, err
		}
		for i, x := range missing {
			m.memo[x] = got[i]
		}
	}
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		out[i] = m.memo[x]
	}
	return out, nil
}

// prefetch loads every stored hash inside the level-0 tile of bundle b (levels 0..7).
func (m *memoReader) prefetch(b, w, n int64) error {
	var idx []int64
	for l := 0; l < tileHeight; l++ {
		for k := (b * 256) >> l; ((k + 1) << l) <= b*256+w && ((k+1)<<l) <= n; k++ {
			idx = append(idx, tlog.StoredHashIndex(l, k))
		}
	}
	_, err := m.ReadHashes(idx)
	return err
}

type checkpoint struct {
	origin string
	tree   tlog.Tree
}

// openCheckpoint verifies the signed note and parses the C2SP tlog-checkpoint body
// ("<origin>\n<size>\n<base64 hash>\n[extensions]"); tlog.ParseTree only reads the
// Go checksum database's fixed origin, so the three lines are parsed here.
func openCheckpoint(msg []byte, verifiers note.Verifiers, keyName string) (checkpoint, error) {
	n, err := note.Open(msg, verifiers)
	if err != nil {
		return checkpoint{}, fmt.Errorf("checkpoint signature: %v", err)
	}
	lines := strings.SplitAfterN(n.Text, "\n", 4)
	if len(lines) < 3 || !strings.HasSuffix(lines[2], "\n") {
		return checkpoint{}, fmt.Errorf("malformed checkpoint")
	}
	origin := strings.TrimSuffix(lines[0], "\n")
	sizeText := strings.TrimSuffix(lines[1], "\n")
	size, err := strconv.ParseInt(sizeText, 10, 64)
	if err != nil || size < 1 || strconv.FormatInt(size, 10) != sizeText {
		return checkpoint{}, fmt.Errorf("malformed checkpoint size %q", sizeText)
	}
	hash, err := tlog.ParseHash(strings.TrimSuffix(lines[2], "\n"))
	if err != nil {
		return checkpoint{}, fmt.Errorf("malformed checkpoint hash: %v", err)
	}
	if origin != keyName {
		return checkpoint{}, fmt.Errorf("checkpoint origin %q is not the key name %q", origin, keyName)
	}
	return checkpoint{origin, tlog.Tree{N: size, Hash: hash}}, nil
}

// parseBundle splits a C2SP entry bundle (uint16 big-endian length + bytes, repeated).
func parseBundle(data []byte) ([][]byte, error) {
	var entries [][]byte
	for len(data) > 0 {
		if len(data) < 2 {
			return nil, fmt.Errorf("truncated entry bundle")
		}
		n := int(binary.BigEndian.Uint16(data))
		if len(data) < 2+n {
			return nil, fmt.Errorf("truncated entry bundle")
		}
		entries = append(entries, data[2:2+n])
		data = data[2+n:]
	}
	return entries, nil
}

func run() (string, error) {
	base := flag.String("url", "", "server base URL, e.g. http://127.0.0.1:3000")
	vkey := flag.String("key", "", "verifier key <name>+<hex id>+<base64 key>")
	oldFile := flag.String("old-checkpoint", "", "file with an earlier signed checkpoint to check consistency with")
	sample := flag.Int("sample", 0, "check the inclusion of N random entries instead of all (0 = all)")
	flag.Parse()
	if *base == "" || *vkey == "" {
		flag.Usage()
		os.Exit(2)
	}
	verifier, err := note.NewVerifier(strings.TrimSpace(*vkey))
	if err != nil {
		return "", fmt.Errorf("verifier key: %v", err)
	}
	verifiers := note.VerifierList(verifier)

	msg, err := fetch(*base, "checkpoint")
	if err != nil {
		return "", err
	}
	cp, err := openCheckpoint(msg, verifiers, verifier.Name())
	if err != nil {
		return "", err
	}
	tree := cp.tree

	tiles := &httpTiles{base: *base, cache: map[tlog.Tile][]byte{}}
	reader := &memoReader{r: tlog.TileHashReader(tree, tiles), memo: map[int64]tlog.Hash{}}
	th, err := tlog.TreeHash(tree.N, reader)
	if err != nil {
		return "", fmt.Errorf("tree hash from tiles: %v", err)
	}
	if th != tree.Hash {
		return "", fmt.Errorf("tree hash from tiles %v differs from checkpoint %v", th, tree.Hash)
	}

	// Every entry bundle, every entry: its record hash must be provably in the tree.
	want := map[int64]bool{}
	if *sample > 0 && int64(*sample) < tree.N {
		for len(want) < *sample {
			want[rand.Int63n(tree.N)] = true
		}
	}
	checked := int64(0)
	for b := int64(0); b*256 < tree.N; b++ {
		w := tree.N - b*256
		if w > 256 {
			w = 256
		}
		if len(want) > 0 {
			hit := false
			for i := b * 256; i < b*256+w; i++ {
				hit = hit || want[i]
			}
			if !hit {
				continue
			}
		}
		t := tlog.Tile{H: tileHeight, L: -1, N: b, W: int(w)}
		data, err := fetch(*base, c2spPath(t))
		if err != nil {
			return "", err
		}
		entries, err := parseBundle(data)
		if err != nil {
			return "", fmt.Errorf("%s: %v", c2spPath(t), err)
		}
		if int64(len(entries)) != w {
			return "", fmt.Errorf("%s: %d entries, want %d", c2spPath(t), len(entries), w)
		}
		if err := reader.prefetch(b, w, tree.N); err != nil {
			return "", fmt.Errorf("%s: %v", c2spPath(tlog.Tile{H: tileHeight, L: 0, N: b, W: int(w)}), err)
		}
		for j, e := range entries {
			idx := b*256 + int64(j)
			if len(want) > 0 && !want[idx] {
				continue
			}
			p, err := tlog.ProveRecord(tree.N, idx, reader)
			if err != nil {
				return "", fmt.Errorf("entry %d: %v", idx, err)
			}
			if err := tlog.CheckRecord(p, tree.N, tree.Hash, idx, tlog.RecordHash(e)); err != nil {
				return "", fmt.Errorf("entry %d (%q): not in the tree: %v", idx, bytes.TrimSpace(e), err)
			}
			checked++
		}
	}
	consistency := ""

	if *oldFile != "" {
		oldMsg, err := os.ReadFile(*oldFile)
		if err != nil {
			return "", err
		}
		old, err := openCheckpoint(oldMsg, verifiers, verifier.Name())
		if err != nil {
			return "", fmt.Errorf("old checkpoint: %v", err)
		}
		if old.tree.N > tree.N {
			return "", fmt.Errorf("log shrank: old checkpoint size %d > current %d", old.tree.N, tree.N)
		}
		p, err := tlog.ProveTree(tree.N, old.tree.N, reader)
		if err != nil {
			return "", fmt.Errorf("consistency proof: %v", err)
		}
		if err := tlog.CheckTree(p, tree.N, tree.Hash, old.tree.N, old.tree.Hash); err != nil {
			return "", fmt.Errorf("old checkpoint (size %d) is not a prefix of the current log: %v", old.tree.N, err)
		}
		consistency = fmt.Sprintf(", consistent with size %d", old.tree.N)
	}
	return fmt.Sprintf("OK %s size %d root %v: signature, tree hash, %d entries included (%d hash tiles read)%s",
		cp.origin, tree.N, tree.Hash, checked, tiles.fetched, consistency), nil
}

func main() {
	summary, err := run()
	if err != nil {
		fmt.Fprintln(os.Stderr, "FAIL:", err)
		os.Exit(1)
	}
	fmt.Println(summary)
}
