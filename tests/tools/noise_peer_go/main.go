// noise_peer_go: the other end of detente's sync channel on Go's
// flynn/noise (Debian's golang-github-flynn-noise-dev), a second outside
// Noise implementation beside tests/tools/noise_peer.py (dissononce), for
// tests/cli/18-noise-interop.sh.  Written from docs/FORMAT.md section 15:
//
//	noise_peer_go [-initiator] -seed HEX -dialogue HEX -peer HEX [-big N] -- COMMAND [ARG...]
//
// It starts COMMAND with pipes on its standard input and output, completes
// Noise_XX_25519_ChaChaPoly_SHA256 with it (prologue "detente sync v1\0"
// || dialogue; our static key from the Ed25519 seed: SHA-512(seed)[:32],
// clamped; the peer's must be the X25519 form of -peer), waits for or
// sends the responder's empty "accepted" message, receives one message,
// sends -big random bytes, checks their echo ("echo:" || them) and hangs
// up.  Exit 0 when all went as said, 1 otherwise, 2 for usage.
package main

import (
	"bytes"
	"crypto/rand"
	"crypto/sha512"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/big"
	"os"
	"os/exec"

	"github.com/flynn/noise"
	"golang.org/x/crypto/curve25519"
)

const plainMax = 65535 - 16
const msgMax = 1024*1024 + 64*1024

func x25519FromEd25519(pk []byte) ([]byte, error) {
	if len(pk) != 32 {
		return nil, errors.New("not a 32-byte key")
	}
	p := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 255), big.NewInt(19))
	le := make([]byte, 32)
	for i := range pk {
		le[31-i] = pk[i]
	}
	le[0] &= 0x7f // the sign bit of x
	y := new(big.Int).SetBytes(le)
	one := big.NewInt(1)
	num := new(big.Int).Add(one, y)
	den := new(big.Int).Sub(one, y)
	den.Mod(den, p)
	if den.Sign() == 0 || y.Cmp(p) >= 0 {
		return nil, errors.New("not an Ed25519 public key")
	}
	u := num.Mul(num, new(big.Int).ModInverse(den, p))
	u.Mod(u, p)
	be := u.FillBytes(make([]byte, 32))
	out := make([]byte, 32)
	for i := range be {
		out[31-i] = be[i]
	}
	return out, nil
}

func writeFrame(w io.Writer, m []byte) error {
	if len(m) > 65535 {
		return errors.New("frame too long")
	}
	var h [2]byte
	binary.BigEndian.PutUint16(h[:], uint16(len(m)))
	_, err := w.Write(append(h[:], m...))
	return err
}

func readFrame(r io.Reader) ([]byte, error) {
	var h [2]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return nil, err
	}
	m := make([]byte, binary.BigEndian.Uint16(h[:]))
	_, err := io.ReadFull(r, m)
	return m, err
}

func send(w io.Writer, cs *noise.CipherState, data []byte) error {
	stream := make([]byte, 4, 4+len(data))
	binary.BigEndian.PutUint32(stream, uint32(len(data)))
	stream = append(stream, data...)
	for o := 0; o < len(stream); o += plainMax {
		end := o + plainMax
		if end > len(stream) {
			end = len(stream)
		}
		c, err := cs.Encrypt(nil, nil, stream[o:end])
		if err != nil {
			return err
		}
		if err := writeFrame(w, c); err != nil {
			return err
		}
	}
	return nil
}

func recv(r io.Reader, cs *noise.CipherState) ([]byte, error) {
	f, err := readFrame(r)
	if err != nil {
		return nil, err
	}
	p, err := cs.Decrypt(nil, nil, f)
	if err != nil {
		return nil, err
	}
	if len(p) < 4 {
		return nil, errors.New("a first plaintext without its length")
	}
	n := binary.BigEndian.Uint32(p)
	if n > msgMax {
		return nil, errors.New("a message over the limit")
	}
	data := append([]byte(nil), p[4:]...)
	for uint32(len(data)) < n {
		if f, err = readFrame(r); err != nil {
			return nil, err
		}
		if p, err = cs.Decrypt(nil, nil, f); err != nil {
			return nil, err
		}
		if len(p) == 0 {
			return nil, errors.New("an empty continuation")
		}
		data = append(data, p...)
	}
	if uint32(len(data)) != n {
		return nil, errors.New("plaintext past the message's end")
	}
	return data, nil
}

func run(initiator bool, seed, dialogue, peerX []byte, size int, r io.Reader, w io.Writer) error {
	h := sha512.Sum512(seed)
	priv := h[:32]
	priv[0] &= 248
	priv[31] &= 127
	priv[31] |= 64
	pub, err := curve25519.X25519(priv, curve25519.Basepoint)
	if err != nil {
		return err
	}
	hs, err := noise.NewHandshakeState(noise.Config{
		CipherSuite:   noise.NewCipherSuite(noise.DH25519, noise.CipherChaChaPoly, noise.HashSHA256),
		Pattern:       noise.HandshakeXX,
		Initiator:     initiator,
		Prologue:      append([]byte("detente sync v1\x00"), dialogue...),
		StaticKeypair: noise.DHKey{Private: priv, Public: pub},
	})
	if err != nil {
		return err
	}
	var out, in *noise.CipherState
	checkPeer := func() error {
		if !bytes.Equal(hs.PeerStatic(), peerX) {
			return errors.New("the peer's static key is not the expected member's")
		}
		return nil
	}
	if initiator {
		m, _, _, err := hs.WriteMessage(nil, nil)
		if err != nil || writeFrame(w, m) != nil {
			return errors.New("message 1 not sent")
		}
		f, err := readFrame(r)
		if err != nil {
			return err
		}
		if p, _, _, err := hs.ReadMessage(nil, f); err != nil || len(p) != 0 {
			return fmt.Errorf("message 2: %v", err)
		}
		if err := checkPeer(); err != nil {
			return err
		}
		m, c1, c2, err := hs.WriteMessage(nil, nil)
		if err != nil || writeFrame(w, m) != nil {
			return errors.New("message 3 not sent")
		}
		out, in = c1, c2
		if ok, err := recv(r, in); err != nil || len(ok) != 0 {
			return fmt.Errorf("no accepted message: %v", err)
		}
	} else {
		f, err := readFrame(r)
		if err != nil {
			return err
		}
		if _, _, _, err := hs.ReadMessage(nil, f); err != nil {
			return err
		}
		m, _, _, err := hs.WriteMessage(nil, nil)
		if err != nil || writeFrame(w, m) != nil {
			return errors.New("message 2 not sent")
		}
		if f, err = readFrame(r); err != nil {
			return err
		}
		p, c1, c2, err := hs.ReadMessage(nil, f)
		if err != nil || len(p) != 0 {
			return fmt.Errorf("message 3: %v", err)
		}
		if err := checkPeer(); err != nil {
			return err
		}
		out, in = c2, c1
		if err := send(w, out, nil); err != nil {
			return err
		}
	}
	fmt.Println("noise_peer_go: handshake done, peer is the expected member")
	hello, err := recv(r, in)
	if err != nil {
		return err
	}
	fmt.Printf("noise_peer_go: received %q\n", hello)
	data := make([]byte, size)
	rand.Read(data)
	if err := send(w, out, data); err != nil {
		return err
	}
	echo, err := recv(r, in)
	if err != nil {
		return err
	}
	if !bytes.Equal(echo, append([]byte("echo:"), data...)) {
		return errors.New("the echo differs")
	}
	fmt.Printf("noise_peer_go: echo of %d bytes matches\n", size)
	return nil
}

func main() {
	initiator := flag.Bool("initiator", false, "be the initiator")
	seedHex := flag.String("seed", "", "our Ed25519 seed (hex)")
	dlgHex := flag.String("dialogue", "", "the dialogue id (hex)")
	peerHex := flag.String("peer", "", "the peer's Ed25519 public key (hex)")
	size := flag.Int("big", 200000, "bytes to send")
	flag.Parse()
	seed, e1 := hex.DecodeString(*seedHex)
	dlg, e2 := hex.DecodeString(*dlgHex)
	peer, e3 := hex.DecodeString(*peerHex)
	if e1 != nil || e2 != nil || e3 != nil || len(seed) != 32 || len(dlg) != 32 || flag.NArg() < 1 {
		fmt.Fprintln(os.Stderr, "usage: noise_peer_go [-initiator] -seed HEX -dialogue HEX -peer HEX [-big N] -- COMMAND [ARG...]")
		os.Exit(2)
	}
	peerX, err := x25519FromEd25519(peer)
	if err != nil {
		fmt.Fprintln(os.Stderr, "noise_peer_go:", err)
		os.Exit(2)
	}
	cmd := exec.Command(flag.Arg(0), flag.Args()[1:]...)
	cmd.Stderr = os.Stderr
	w, _ := cmd.StdinPipe()
	r, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "noise_peer_go:", err)
		os.Exit(1)
	}
	status := 0
	if err := run(*initiator, seed, dlg, peerX, *size, r, w); err != nil {
		fmt.Println("noise_peer_go: failed:", err)
		status = 1
	}
	w.Close()
	werr := cmd.Wait()
	fmt.Printf("noise_peer_go: detente's side exited %d\n", cmd.ProcessState.ExitCode())
	if werr != nil && status == 0 {
		status = 1
	}
	os.Exit(status)
}
