package settingsmigrate

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
)

// FuzzMigrate feeds arbitrary bytes to the walker: it never panics; it
// fails only with an *Error; what it accepts encoding/json accepts too; and
// on success the output re-parses, is migrated (checked token by token)
// and a second pass changes nothing.
func FuzzMigrate(f *testing.F) {
	key := mustKey(f, testSalt)
	v1 := sealV1(f, testSalt, plainA, 1)
	foreign := sealV1(f, otherSalt, plainB, 5)
	v2, _ := key.Seal(plainB)
	for _, s := range []string{
		``, `{}`, `[]`, `"x"`, `null`, `1e400`, `{"a":"` + v1 + `"}`,
		`{"settings":{"secrets":{"K":"` + v1 + `","L":"` + v2 + `"}},"n":[1,2.5e-3,"` + v1 + `"]}`,
		`{"a":"` + foreign + `"}`, `{"a":1,"a":2}`, "{\"a\":\"\xff\"}", `{"a":"\ud800"}`, `["` + v1 + `",]`,
		`{"` + v1 + `":"` + v1 + `"}`, `"\u0030` + v1[1:] + `"`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		in := bytes.Clone(data)
		out, st, err := Migrate(data, key)
		if !bytes.Equal(in, data) {
			t.Fatal("Migrate modified its input")
		}
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || !(errors.Is(err, ErrNotJSON) || errors.Is(err, ErrDoesNotOpen)) {
				t.Fatalf("unexpected error type %T: %v", err, err)
			}
			return
		}
		if !json.Valid(data) || !json.Valid(out) {
			t.Fatalf("accepted input or produced output encoding/json refuses")
		}
		if st.Scanned != st.Migrated+st.AlreadyV2+st.Plain {
			t.Fatalf("counts do not add up: %+v", st)
		}
		assertMigrated(t, key, data, out)
		again, st2, err := Migrate(out, key)
		if err != nil || st2.Migrated != 0 || st2.Scanned != st.Scanned || !bytes.Equal(again, out) {
			t.Fatalf("second pass: %+v %v", st2, err)
		}
	})
}
