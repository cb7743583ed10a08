module github.com/regstack/regstack/adapters/mongo

go 1.26.0
