module github.com/regstack/regstack/transport/http

go 1.26.0
