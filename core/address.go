package regstack

import "github.com/regstack/regstack/core/emailaddr"

// normalizeEmail is the one gate every email passes before a store sees it
// (domain.md §2.3). The transport has already answered 422 for an invalid
// address, so the EINVALID here reaches only library callers.
func normalizeEmail(s string) (string, error) {
	e, err := emailaddr.Normalize(s)
	if err != nil {
		return "", &Error{Code: EINVALID, Message: "Invalid email address: " + err.Error()}
	}
	return e, nil
}
