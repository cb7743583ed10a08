package config_test

import (
	"testing"

	"github.com/regstack/regstack/core/config"
)

func TestDatabaseKind(t *testing.T) {
	tests := []struct{ url, want string }{
		{"sqlite+aiosqlite:///./regstack.db", config.KindSQLite},
		{"sqlite:///x.db", config.KindSQLite},
		{"SQLite:///x.db", config.KindSQLite},
		{"postgresql+asyncpg://u:p@h/db", config.KindPostgres},
		{"postgresql://h/db", config.KindPostgres},
		{"postgres://h/db", config.KindPostgres},
		{"mongodb://h/db", config.KindMongoDB},
		{"mongodb+srv://h/db", config.KindMongoDB},
		{"mysql://h/db", ""},
		{"regstack.db", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.url+" is "+tt.want, func(t *testing.T) {
			cfg := config.Config{DatabaseURL: tt.url}
			if got := cfg.DatabaseKind(); got != tt.want {
				t.Errorf("DatabaseKind(%q) = %q, want %q", tt.url, got, tt.want)
			}
		})
	}
}

func TestMongoDatabase(t *testing.T) {
	tests := []struct{ url, fallback, want string }{
		{"mongodb://u:p@db.example.com:27017/app?authSource=admin", "regstack", "app"},
		{"mongodb+srv://u:p@cluster0.example.net/app", "regstack", "app"},
		{"mongodb://db.example.com:27017/", "regstack", "regstack"},
		{"mongodb://db.example.com:27017", "regstack", "regstack"},
		{"mongodb://u:p/w@db/app", "", "app"},
		{"mongodb://db/?x=1", "", ""},
	}
	for _, tt := range tests {
		cfg := config.Config{DatabaseURL: tt.url, MongoDBDatabase: tt.fallback}
		if got := cfg.MongoDatabase(); got != tt.want {
			t.Errorf("MongoDatabase(%q, %q) = %q, want %q", tt.url, tt.fallback, got, tt.want)
		}
	}
}

func TestMaskURL(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"the password is hidden", "postgresql+asyncpg://app:s3cret@db.example.com:5432/app", "postgresql+asyncpg://app:***@db.example.com:5432/app"},
		{"a password holding @ and / is hidden whole", "mongodb://u:p@ss/w@db/app?authSource=admin", "mongodb://u:***@db/app?authSource=admin"},
		{"a user without a password is kept", "postgresql://app@db/app", "postgresql://app@db/app"},
		{"a URL without credentials is unchanged", "mongodb://db.example.com:27017/app", "mongodb://db.example.com:27017/app"},
		{"a password query parameter is hidden", "postgresql://db/app?sslmode=require&password=s3cret", "postgresql://db/app?sslmode=require&password=***"},
		{"a SQLite path with @ and : is not taken for credentials", "sqlite:////srv/a:b@c.db", "sqlite:////srv/a:b@c.db"},
		{"text that is not a URL is hidden whole", "s3cret", "***"},
		{"an empty string stays empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := config.MaskURL(tt.in); got != tt.want {
				t.Errorf("MaskURL(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
