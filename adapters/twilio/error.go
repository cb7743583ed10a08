package twilio

import (
	"fmt"
	"strings"
)

// APIError is Twilio's refusal of a message: the HTTP status and, when
// Twilio sent its JSON error body, its error code (see MoreInfo), message
// and documentation link.
type APIError struct {
	HTTPStatus int
	Code       int
	Message    string
	MoreInfo   string
}

// Error reads like "twilio: HTTP 400: error 21211: <message> (<link>)".
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "twilio: HTTP %d", e.HTTPStatus)
	if e.Code != 0 {
		fmt.Fprintf(&b, ": error %d", e.Code)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	if e.MoreInfo != "" {
		fmt.Fprintf(&b, " (%s)", e.MoreInfo)
	}
	return b.String()
}

// errorBody is the JSON Twilio answers a refused request with.
type errorBody struct {
	Code     int    `json:"code"`
	Message  string `json:"message"`
	MoreInfo string `json:"more_info"`
	Status   int    `json:"status"`
}
