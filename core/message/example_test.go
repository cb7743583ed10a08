package message_test

import (
	"fmt"

	"github.com/regstack/regstack/core/message"
)

func ExampleRenderer_SMS() {
	r, err := message.NewRenderer(nil)
	if err != nil {
		panic(err)
	}
	body, err := r.SMS("login_mfa", message.SMSData{AppName: "Acme", Code: "123456", TTLMinutes: message.TTLMinutes(300)})
	if err != nil {
		panic(err)
	}
	fmt.Println(body)
	// Output: Acme sign-in code: 123456. Expires in 5 minutes. If you didn't try to sign in, ignore this message.
}
