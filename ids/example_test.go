package ids_test

import (
	"fmt"

	"github.com/interopkit/interop/ids"
)

// Deriving ids in a loop into one buffer allocates nothing.
func ExampleAppendUUID() {
	buf := make([]byte, 0, 36)
	for _, name := range []string{"test", "hello world", "550E8400-E29B-41D4-A716-446655440000"} {
		var err error
		buf, err = ids.AppendUUID(buf[:0], name)
		if err != nil {
			panic(err)
		}
		fmt.Printf("%s\n", buf)
	}
	_, err := ids.AppendUUID(buf[:0], "ok\xffno")
	fmt.Println(err)
	// Output:
	// a94a8fe5-ccb1-0ba6-9c4c-0873d391e987
	// f0355dd5-2823-054c-ae66-a0b12842c215
	// 550E8400-E29B-41D4-A716-446655440000
	// ids: input is not valid utf-8 at byte 2
}

// The id of a name scoped to an agent, without building the scoped text.
func ExampleAppendUniqueUUID() {
	agent, _ := ids.StringToUUID("agent-alpha")
	buf := make([]byte, 0, 36)
	buf, err := ids.AppendUniqueUUID(buf[:0], agent, "user-123")
	fmt.Printf("%s %v\n", buf, err)
	// Output:
	// 4c5decb4-22cf-03e1-abc5-afee86c4fc6b <nil>
}
