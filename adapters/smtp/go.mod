module github.com/regstack/regstack/adapters/smtp

go 1.26.0
