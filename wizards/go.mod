module github.com/regstack/regstack/wizards

go 1.26.0
