module github.com/regstack/regstack/adapters/ses

go 1.26.0
