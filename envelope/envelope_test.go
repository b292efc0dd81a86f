package envelope_test

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"testing/iotest"

	"github.com/interopkit/interop/envelope"
)

func mustKey(t testing.TB, salt string) *envelope.Key {
	t.Helper()
	k, err := envelope.NewKey(salt)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestSealLayout checks Seal against crypto/cipher used directly.
func TestSealLayout(t *testing.T) {
	iv := bytes.Repeat([]byte{0xab}, 12)
	k := envelope.NewKeyWithRand("salt-alpha", bytes.NewReader(iv))
	got, err := k.Seal("hello, wörld")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte("salt-alpha"))
	block, _ := aes.NewCipher(sum[:])
	gcm, _ := cipher.NewGCM(block)
	sealed := gcm.Seal(nil, iv, []byte("hello, wörld"), []byte("elizaos:settings:v2"))
	n := len(sealed) - 16
	want := "v2:" + hex.EncodeToString(iv) + ":" + hex.EncodeToString(sealed[:n]) + ":" + hex.EncodeToString(sealed[n:])
	if got != want {
		t.Fatalf("Seal = %s\nwant   %s", got, want)
	}
}

func TestRoundTrip(t *testing.T) {
	k := mustKey(t, "s")
	for _, p := range []string{"", "a", "hello world", "Café", "日本語 👩‍💻", "a:b:c", "https://x.test/a?b=c:d", strings.Repeat("z", 1<<16)} {
		v, err := k.Seal(p)
		if err != nil {
			t.Fatalf("Seal(%.20q): %v", p, err)
		}
		if !envelope.IsV2(v) || envelope.IsV1(v) {
			t.Fatalf("Seal(%.20q) = %.40q is not detected as v2 only", p, v)
		}
		got, err := k.Open(v)
		if err != nil || got != p {
			t.Fatalf("Open(Seal(%.20q)) = %.20q, %v", p, got, err)
		}
		v2, _ := k.Seal(p)
		if v2 == v {
			t.Fatalf("two seals of %.20q are equal: IVs must be random", p)
		}
	}
}

func TestSealLeavesEnvelopesAlone(t *testing.T) {
	k := mustKey(t, "s")
	for _, v := range []string{
		"00112233445566778899aabbccddeeff:",
		"00112233445566778899AABBCCDDEEFF:abcd",
		"v2:000102030405060708090a0b::000102030405060708090a0b0c0d0e0f",
	} {
		if got, err := k.Seal(v); err != nil || got != v {
			t.Errorf("Seal(%q) = %q, %v; want it unchanged", v, got, err)
		}
	}
	if _, err := k.Seal("bad \xff utf-8"); !errors.Is(err, envelope.ErrInvalidUTF8) {
		t.Errorf("Seal(invalid utf-8) = %v, want ErrInvalidUTF8", err)
	}
}

func TestOpenErrors(t *testing.T) {
	k := mustKey(t, "right")
	wrong := mustKey(t, "wrong")
	sealed, _ := k.Seal("top secret plaintext")
	iv := strings.Repeat("00", 16)
	tests := []struct {
		name  string
		value string
		want  error
	}{
		{"empty", "", envelope.ErrNotEnvelope},
		{"plain", "just a value", envelope.ErrNotEnvelope},
		{"five fields", sealed + ":00", envelope.ErrNotEnvelope},
		{"odd iv", "v2:0" + sealed[3:], envelope.ErrNotEnvelope},
		{"space in tag", sealed[:len(sealed)-1] + " ", envelope.ErrNotEnvelope},
		{"trailing newline", sealed + "\n", envelope.ErrNotEnvelope},
		{"capital V2", "V2" + sealed[2:], envelope.ErrNotEnvelope},
		{"flipped tag", sealed[:len(sealed)-1] + flip(sealed[len(sealed)-1]), envelope.ErrAuthFailed},
		{"v1 empty ciphertext", iv + ":", envelope.ErrMalformed},
		{"v1 short ciphertext", iv + ":" + strings.Repeat("00", 15), envelope.ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := k.Open(tt.value)
			if !errors.Is(err, tt.want) || got != "" {
				t.Fatalf("Open = %q, %v; want %v", got, err, tt.want)
			}
			if got := k.OpenCompat(tt.value); got != tt.value {
				t.Errorf("OpenCompat changed a value that does not open")
			}
		})
	}
	if _, err := wrong.Open(sealed); !errors.Is(err, envelope.ErrAuthFailed) {
		t.Errorf("wrong salt: %v, want ErrAuthFailed", err)
	}
}

func rawGCMFor(salt string) cipher.AEAD {
	sum := sha256.Sum256([]byte(salt))
	block, _ := aes.NewCipher(sum[:])
	gcm, _ := cipher.NewGCM(block)
	return gcm
}

func hexs(b []byte) string { return hex.EncodeToString(b) }

func flip(c byte) string {
	if c == '0' {
		return "1"
	}
	return "0"
}

// v1Seal is the historical upstream v1 writer, written from its description:
// AES-256-CBC with PKCS#7 padding and a 16-byte IV.
func v1Seal(salt string, iv []byte, plaintext []byte) string {
	sum := sha256.Sum256([]byte(salt))
	block, _ := aes.NewCipher(sum[:])
	pad := 16 - len(plaintext)%16
	buf := append(append([]byte{}, plaintext...), bytes.Repeat([]byte{byte(pad)}, pad)...)
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(buf, buf)
	return hex.EncodeToString(iv) + ":" + hex.EncodeToString(buf)
}

func TestV1(t *testing.T) {
	iv := []byte("0123456789abcdef")
	k := mustKey(t, "legacy")
	for _, p := range []string{"", "x", strings.Repeat("a", 15) + "é", strings.Repeat("b", 16), "日本語のテキスト"} {
		v := v1Seal("legacy", iv, []byte(p))
		if !envelope.IsV1(v) {
			t.Fatalf("%q is not detected as v1", v)
		}
		got, err := k.Open(v)
		if err != nil || got != p {
			t.Fatalf("Open(v1 of %q) = %q, %v", p, got, err)
		}
		m, err := k.Migrate(v)
		if err != nil || !envelope.IsV2(m) {
			t.Fatalf("Migrate(v1 of %q) = %q, %v", p, m, err)
		}
		if got, _ := k.Open(m); got != p {
			t.Fatalf("migrated value opens to %q, want %q", got, p)
		}
	}
	notUTF8 := v1Seal("legacy", iv, []byte{0xff, 0xfe})
	if _, err := k.Open(notUTF8); !errors.Is(err, envelope.ErrMalformed) {
		t.Errorf("v1 invalid utf-8 plaintext: %v, want ErrMalformed", err)
	}
	// A wrong key almost always breaks the padding; the rare valid padding
	// then fails the UTF-8 check or yields garbage, as CBC has no integrity.
	badPad := 0
	for i := range 64 {
		_, err := mustKey(t, fmt.Sprint("wrong-", i)).Open(v1Seal("legacy", iv, []byte("secret value")))
		if errors.Is(err, envelope.ErrAuthFailed) {
			badPad++
		}
	}
	if badPad < 48 {
		t.Errorf("only %d of 64 wrong keys failed the padding check", badPad)
	}
}

func TestMigrate(t *testing.T) {
	k := mustKey(t, "m")
	sealed, _ := k.Seal("v")
	for _, v := range []string{sealed, "plain", "", "v2:zz"} {
		if got, err := k.Migrate(v); err != nil || got != v {
			t.Errorf("Migrate(%q) = %q, %v; want unchanged", v, got, err)
		}
	}
	bad := v1Seal("other", []byte("0123456789abcdef"), []byte("secret value"))
	if got, err := k.Migrate(bad); err == nil || got != "" {
		t.Errorf("Migrate(v1 under another salt) = %q, %v; want an error", got, err)
	}
	// A v1 secret that itself looks like an envelope is still sealed.
	shaped := v1Seal("m", []byte("0123456789abcdef"), []byte("00112233445566778899aabbccddeeff:"))
	got, err := k.Migrate(shaped)
	if err != nil || !envelope.IsV2(got) {
		t.Fatalf("Migrate(envelope-shaped v1 secret) = %q, %v", got, err)
	}
}

func TestMaps(t *testing.T) {
	k := mustKey(t, "maps")
	in := map[string]any{"apiKey": "sk-123", "empty": "", "n": 3, "b": true, "nil": nil, "nested": map[string]any{"x": "y"}}
	sealed, err := k.SealMap(in)
	if err != nil {
		t.Fatal(err)
	}
	if in["apiKey"] != "sk-123" {
		t.Fatal("SealMap modified its input")
	}
	if !envelope.IsV2(sealed["apiKey"].(string)) {
		t.Fatalf("apiKey not sealed: %v", sealed["apiKey"])
	}
	opened, err := k.OpenMap(sealed)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(opened) != fmt.Sprint(in) {
		t.Fatalf("OpenMap(SealMap(m)) = %v, want %v", opened, in)
	}
	tampered := map[string]any{"a": "plain", "token": sealed["apiKey"].(string)[:len(sealed["apiKey"].(string))-2] + "00"}
	_, err = k.OpenMap(tampered)
	if !errors.Is(err, envelope.ErrAuthFailed) || !strings.Contains(err.Error(), `"token"`) || strings.Contains(err.Error(), "v2:") {
		t.Fatalf("OpenMap(tampered) = %v; want ErrAuthFailed naming the key only", err)
	}
	if m, err := k.SealMap(nil); m != nil || err != nil {
		t.Fatalf("SealMap(nil) = %v, %v", m, err)
	}
}

// TestNoSecretsInOutput checks every error message and formatted form for
// the value, the plaintext and the salt.
func TestNoSecretsInOutput(t *testing.T) {
	const salt, plaintext = "s3cr3t-salt-value", "plaintext-secret-0123"
	k := mustKey(t, salt)
	sealed, _ := k.Seal(plaintext)
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("key", "key", k)
	forms := []string{fmt.Sprint(k), fmt.Sprintf("%v %+v %#v %s", k, k, k, k), logs.String()}
	for _, v := range []string{sealed[:len(sealed)-2] + "00", "v2:" + strings.Repeat("0", 24) + ":" + strings.Repeat("1", 10) + ":" + strings.Repeat("2", 32), plaintext, sealed + "x"} {
		if _, err := k.Open(v); err != nil {
			forms = append(forms, err.Error())
		}
		if _, err := mustKey(t, "other").Migrate(v); err != nil {
			forms = append(forms, err.Error())
		}
	}
	for _, f := range forms {
		for _, secret := range []string{salt, plaintext, sealed[3:27]} {
			if strings.Contains(f, secret) {
				t.Errorf("%q leaks %q", f, secret)
			}
		}
	}
}

func TestRandFailure(t *testing.T) {
	k := envelope.NewKeyWithRand("s", iotest.ErrReader(errors.New("no entropy")))
	if v, err := k.Seal("x"); err == nil || v != "" {
		t.Fatalf("Seal with a failing random source = %q, %v; want an error", v, err)
	}
}

func TestNewKeyInvalidSalt(t *testing.T) {
	if _, err := envelope.NewKey("\xff"); !errors.Is(err, envelope.ErrInvalidUTF8) {
		t.Fatalf("NewKey(invalid utf-8) = %v", err)
	}
}

func TestConcurrentUse(t *testing.T) {
	k := mustKey(t, "shared")
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 200 {
				p := fmt.Sprint(i, "-", j)
				v, err := k.Seal(p)
				if err != nil {
					t.Error(err)
					return
				}
				if got, err := k.Open(v); err != nil || got != p {
					t.Errorf("Open = %q, %v; want %q", got, err, p)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestZeroKey(t *testing.T) {
	for _, k := range []*envelope.Key{nil, new(envelope.Key)} {
		if _, err := k.Seal("x"); !errors.Is(err, envelope.ErrNoKey) {
			t.Errorf("Seal: %v", err)
		}
		if _, err := k.Open("x"); !errors.Is(err, envelope.ErrNoKey) {
			t.Errorf("Open: %v", err)
		}
		if _, err := k.Migrate("x"); !errors.Is(err, envelope.ErrNoKey) {
			t.Errorf("Migrate: %v", err)
		}
		if _, err := k.SealMap(map[string]any{}); !errors.Is(err, envelope.ErrNoKey) {
			t.Errorf("SealMap: %v", err)
		}
		if got := k.OpenCompat("v"); got != "v" {
			t.Errorf("OpenCompat = %q", got)
		}
	}
}
