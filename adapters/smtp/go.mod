module github.com/regstack/regstack/adapters/smtp

go 1.26.0

require (
	github.com/wneessen/go-mail v0.8.1
	golang.org/x/crypto v0.54.0 // indirect
	golang.org/x/text v0.40.0 // indirect
)
