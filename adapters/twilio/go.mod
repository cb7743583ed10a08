module github.com/regstack/regstack/adapters/twilio

go 1.26.0
