module github.com/regstack/regstack/adapters/postgres

go 1.26.0
