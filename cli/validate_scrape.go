package cli

import (
	"encoding/json"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// Markers the console mailer and the null SMS sender start their log
// messages with (core/console_mailer.go, core/null_sms.go).
const (
	consoleEmailMarker = "[regstack/console-email]"
	nullSMSMarker      = "[regstack/null-sms]"
)

var (
	// tokenURL is a one-time link as the email bodies carry it (cli.md §6.3).
	tokenURL = regexp.MustCompile(`https?://[^\s>'"]+?\?token=[A-Za-z0-9._\-+/=%]+`)
	// setupCodeRE and signInCodeRE find the code of the phone-setup and the
	// sign-in SMS.
	setupCodeRE  = regexp.MustCompile(`verification code:\s*(\d{4,10})`)
	signInCodeRE = regexp.MustCompile(`sign-in code:\s*(\d{4,10})`)
	// recipientRE finds the addressee in a console-email or null-SMS header.
	recipientRE = regexp.MustCompile(`To: ([^\s|]+)`)
	// secretQuery and secretCode match the token of a link and an SMS
	// code, so verbose output can show tailed lines without them.
	secretQuery = regexp.MustCompile(`([?&]token=)[^\s&"'>]+`)
	secretCode  = regexp.MustCompile(`(code:\s*)\d{4,10}`)
)

// logMessage is the message of one log line: the "msg" of a JSON (slog
// JSONHandler) line, the msg= value of a logfmt (slog TextHandler) line,
// and otherwise the whole line (Python's logging, a container prefix…).
func logMessage(line string) string {
	if strings.HasPrefix(line, "{") {
		var rec struct {
			Msg *string `json:"msg"`
		}
		if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg != nil {
			return *rec.Msg
		}
	}
	i := strings.Index(line, "msg=")
	if i < 0 || (i > 0 && line[i-1] != ' ') {
		return line
	}
	rest := line[i+len("msg="):]
	if strings.HasPrefix(rest, `"`) {
		if q, err := strconv.QuotedPrefix(rest); err == nil {
			if s, err := strconv.Unquote(q); err == nil {
				return s
			}
		}
		return line
	}
	if j := strings.IndexByte(rest, ' '); j >= 0 {
		return rest[:j]
	}
	return rest
}

// emailRecipient is the address of a console-email header message.
func emailRecipient(msg string) (string, bool) {
	if !strings.HasPrefix(msg, consoleEmailMarker+" To: ") {
		return "", false
	}
	m := recipientRE.FindStringSubmatch(msg)
	if m == nil {
		return "", false
	}
	return m[1], true
}

// logMatcher looks at one message; recipient is the addressee of the
// latest console email seen ("" before the first). It returns what was
// found.
type logMatcher func(msg, recipient string) (string, bool)

// linkFor matches the first one-time link whose text contains fragment
// (a flow's path: "/verify", "/reset-password", "/confirm-email-change")
// in mail addressed to to. Mail to anyone else is ignored, so another
// user's link on a shared deployment is never taken; a log that shows no
// recipient at all is trusted.
func linkFor(fragment, to string) logMatcher {
	return func(msg, recipient string) (string, bool) {
		if recipient != "" && !strings.EqualFold(recipient, to) {
			return "", false
		}
		for _, u := range tokenURL.FindAllString(msg, -1) {
			if strings.Contains(u, fragment) {
				return u, true
			}
		}
		return "", false
	}
}

// codeFor matches an SMS code; a null-SMS line addressed to another phone
// is ignored.
func codeFor(re *regexp.Regexp, phone string) logMatcher {
	return func(msg, _ string) (string, bool) {
		if strings.Contains(msg, nullSMSMarker) {
			if m := recipientRE.FindStringSubmatch(msg); m != nil && m[1] != phone {
				return "", false
			}
		}
		if m := re.FindStringSubmatch(msg); m != nil {
			return m[1], true
		}
		return "", false
	}
}

// tokenFromURL is the decoded token query parameter of a link.
func tokenFromURL(link string) (string, bool) {
	u, err := url.Parse(link)
	if err != nil {
		return "", false
	}
	tok := u.Query().Get("token")
	return tok, tok != ""
}

// redactLine hides the token of any link and any SMS code in a tailed
// line.
func redactLine(line string) string {
	return secretCode.ReplaceAllString(secretQuery.ReplaceAllString(line, "${1}***"), "${1}***")
}
