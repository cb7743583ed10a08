module github.com/regstack/regstack/adapters/sns

go 1.26.0
