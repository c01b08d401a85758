package config

import (
	"flag"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestFromEnvDefaultsAndFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		want    Config
		wantErr string
	}{
		{name: "defaults", want: Config{Addr: ":8080", HomeCountry: "KZ"}},
		{name: "environment", env: map[string]string{"DATABASE_URL": "postgres://x/y", "ULES_ADDR": ":9090", "ULES_HOME_COUNTRY": "ua"},
			want: Config{DatabaseURL: "postgres://x/y", Addr: ":9090", HomeCountry: "UA"}},
		{name: "flags override environment", env: map[string]string{"ULES_ADDR": ":9090", "DATABASE_URL": "postgres://env"},
			args: []string{"--addr", ":7070", "--database-url", "postgres://flag", "--home-country", "MD"},
			want: Config{DatabaseURL: "postgres://flag", Addr: ":7070", HomeCountry: "MD"}},
		{name: "bad country", args: []string{"--home-country", "Kazakhstan"}, wantErr: "not an ISO 3166 alpha-2"},
		{name: "numeric country", env: map[string]string{"ULES_HOME_COUNTRY": "398"}, wantErr: "not an ISO 3166 alpha-2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := FromEnv(func(k string) string { return tt.env[k] })
			fs := flag.NewFlagSet("test", flag.ContinueOnError)
			c.BindDatabase(fs)
			c.BindAddr(fs)
			c.BindHome(fs)
			require.NoError(t, fs.Parse(tt.args))
			err := c.Validate()
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, c)
		})
	}
}

func TestLogLevel(t *testing.T) {
	t.Parallel()
	tests := []struct {
		env     string
		want    slog.Level
		wantErr string
	}{
		{"", slog.LevelInfo, ""},
		{"debug", slog.LevelDebug, ""},
		{" WARN ", slog.LevelWarn, ""},
		{"error", slog.LevelError, ""},
		{"verbose", 0, `ULES_LOG_LEVEL "verbose": want debug, info, warn or error`},
	}
	for _, tt := range tests {
		got, err := LogLevel(func(k string) string {
			if k == "ULES_LOG_LEVEL" {
				return tt.env
			}
			return ""
		})
		if tt.wantErr != "" {
			require.EqualError(t, err, "config: "+tt.wantErr)
			continue
		}
		require.NoError(t, err)
		require.Equal(t, tt.want, got, tt.env)
	}
}

func TestRedactURL(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"postgres://ules:s3cret@db.example:5432/ules?sslmode=disable", "postgres://ules:xxxxx@db.example:5432/ules?sslmode=disable"},
		{"postgres://ules@localhost/ules", "postgres://ules@localhost/ules"},
		{"postgresql://localhost/ules?password=s3cret&user=u", "postgresql://localhost/ules?password=xxxxx&user=u"},
		{"host=db user=ules password=s3cret dbname=ules", "host=db user=ules password=xxxxx dbname=ules"},
		{"host=db password = 'se cr\\'et' dbname=ules", "host=db password = xxxxx dbname=ules"},
		{"postgres://u:p%zz@h/d", "(a database URL that does not parse)"},
		{"", ""},
	}
	for _, tt := range tests {
		got := RedactURL(tt.in)
		require.Equal(t, tt.want, got, tt.in)
		require.NotContains(t, got, "s3cret")
	}
}

func TestBindDatabaseHidesPassword(t *testing.T) {
	t.Parallel()
	c := FromEnv(func(k string) string {
		if k == "DATABASE_URL" {
			return "postgres://ules:s3cret@db:5432/ules"
		}
		return ""
	})
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var help strings.Builder
	fs.SetOutput(&help)
	c.BindDatabase(fs)
	err := fs.Parse([]string{"--no-such-flag"})
	require.Error(t, err)
	require.NotContains(t, help.String(), "s3cret")
	require.Contains(t, help.String(), "postgres://ules:xxxxx@db:5432/ules")
	// The real value is still what the commands connect with.
	require.Equal(t, "postgres://ules:s3cret@db:5432/ules", c.DatabaseURL)
}
