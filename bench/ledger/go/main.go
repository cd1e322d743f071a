// tlog-bench builds the benchmark tree with Go's golang.org/x/mod/sumdb/tlog (the reference
// implementation our library is compared with) and prints one JSON line: build time, root, and
// inclusion-proof latency over the in-memory hashes.
//
// Entry i is "probity/v1 bench B<i> 1 2024-01-01T00:00:00.000Z <sha256 hex of decimal i>\n",
// exactly as bench/ledger/run.ts generates it, so the two roots must be equal.
//
// Build (Debian): GO111MODULE=off GOPATH=/usr/share/gocode go build -o tlog-bench .
// Usage: tlog-bench -n 10000000 [-proofs 10000]
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"sort"
	"strconv"
	"time"

	"golang.org/x/mod/sumdb/tlog"
)

// memHashes is a tlog.HashReader over a slice indexed by tlog.StoredHashIndex.
type memHashes []tlog.Hash

func (m memHashes) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		if x >= int64(len(m)) {
			return nil, fmt.Errorf("no stored hash %d", x)
		}
		out[i] = m[x]
	}
	return out, nil
}

func entry(i int64) []byte {
	d := sha256.Sum256([]byte(strconv.FormatInt(i, 10)))
	return []byte("probity/v1 bench B" + strconv.FormatInt(i, 10) + " 1 2024-01-01T00:00:00.000Z " + hex.EncodeToString(d[:]) + "\n")
}

func main() {
	n := flag.Int64("n", 1000000, "entries")
	proofs := flag.Int("proofs", 10000, "inclusion proofs to time")
	flag.Parse()

	hashes := make(memHashes, 0, tlog.StoredHashIndex(0, *n)+64)
	const chunk = 50000
	var building time.Duration
	buf := make([][]byte, 0, chunk)
	for lo := int64(0); lo < *n; lo += chunk {
		hi := lo + chunk
		if hi > *n {
			hi = *n
		}
		buf = buf[:0]
		for i := lo; i < hi; i++ {
			buf = append(buf, entry(i))
		}
		start := time.Now()
		for k, data := range buf {
			hs, err := tlog.StoredHashes(lo+int64(k), data, hashes)
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
			hashes = append(hashes, hs...)
		}
		building += time.Since(start)
	}
	root, err := tlog.TreeHash(*n, hashes)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}

	lat := make([]float64, *proofs)
	rng := rand.New(rand.NewSource(1))
	for i := range lat {
		idx := rng.Int63n(*n)
		start := time.Now()
		p, err := tlog.ProveRecord(*n, idx, hashes)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		lat[i] = float64(time.Since(start).Nanoseconds()) / 1e6
		if i < 100 {
			if err := tlog.CheckRecord(p, *n, root, idx, tlog.RecordHash(entry(idx))); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
		}
	}
	sort.Float64s(lat)
	pct := func(q float64) float64 { return lat[int(q*float64(len(lat)-1))] }
	json.NewEncoder(os.Stdout).Encode(map[string]any{
		"entries":       *n,
		"buildSeconds":  building.Seconds(),
		"entriesPerSec": float64(*n) / building.Seconds(),
		"root":          root.String(),
		"proofP50Ms":    pct(0.5),
		"proofP99Ms":    pct(0.99),
	})
}
