package config

import (
	"flag"
	"log/slog"
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
