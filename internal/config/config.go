// Package config reads the settings of the ules commands: environment variables, overridden by flags.
package config

import (
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"strings"
)

// Config holds the settings shared by the commands.
type Config struct {
	DatabaseURL string
	Addr        string
	HomeCountry string
}

// FromEnv reads the environment through getenv (os.Getenv in production, a map in tests).
func FromEnv(getenv func(string) string) Config {
	c := Config{
		DatabaseURL: getenv("DATABASE_URL"),
		Addr:        getenv("ULES_ADDR"),
		HomeCountry: getenv("ULES_HOME_COUNTRY"),
	}
	if c.Addr == "" {
		c.Addr = ":8080"
	}
	if c.HomeCountry == "" {
		c.HomeCountry = "KZ"
	}
	return c
}

// BindDatabase adds --database-url to fs. Help and usage errors show the URL with its password masked.
func (c *Config) BindDatabase(fs *flag.FlagSet) {
	fs.Var((*secretURL)(&c.DatabaseURL), "database-url", "PostgreSQL URL (env DATABASE_URL)")
}

// secretURL is a flag whose printed form never carries the password.
type secretURL string

func (s *secretURL) String() string {
	if s == nil {
		return ""
	}
	return RedactURL(string(*s))
}

func (s *secretURL) Set(v string) error {
	*s = secretURL(v)
	return nil
}

// Masked replaces a password wherever a URL is printed.
const Masked = "xxxxx"

var dsnPassword = regexp.MustCompile(`(?i)(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)`)

// RedactURL returns a PostgreSQL URL or key=value string with its password masked.
func RedactURL(s string) string {
	if strings.Contains(s, "://") {
		u, err := url.Parse(s)
		if err != nil {
			return "(a database URL that does not parse)"
		}
		if q := u.Query(); q.Has("password") {
			q.Set("password", Masked)
			u.RawQuery = q.Encode()
		}
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), Masked)
		}
		return u.String()
	}
	return dsnPassword.ReplaceAllString(s, "${1}"+Masked)
}

// BindHome adds --home-country to fs.
func (c *Config) BindHome(fs *flag.FlagSet) {
	fs.StringVar(&c.HomeCountry, "home-country", c.HomeCountry, "ISO 3166 alpha-2 code of the deployment's country; its suppliers are residents (env ULES_HOME_COUNTRY)")
}

// BindAddr adds --addr to fs.
func (c *Config) BindAddr(fs *flag.FlagSet) {
	fs.StringVar(&c.Addr, "addr", c.Addr, "address to listen on (env ULES_ADDR)")
}

var alpha2 = regexp.MustCompile(`^[A-Z]{2}$`)

// Validate checks the settings after flags are parsed.
func (c *Config) Validate() error {
	c.HomeCountry = strings.ToUpper(strings.TrimSpace(c.HomeCountry))
	if !alpha2.MatchString(c.HomeCountry) {
		return fmt.Errorf("config: home country %q is not an ISO 3166 alpha-2 code such as KZ", c.HomeCountry)
	}
	return nil
}

// LogLevel reads ULES_LOG_LEVEL: debug, info (the default), warn or error.
func LogLevel(getenv func(string) string) (slog.Level, error) {
	v := strings.TrimSpace(getenv("ULES_LOG_LEVEL"))
	if v == "" {
		return slog.LevelInfo, nil
	}
	var l slog.Level
	if err := l.UnmarshalText([]byte(v)); err != nil {
		return 0, fmt.Errorf("config: ULES_LOG_LEVEL %q: want debug, info, warn or error", v)
	}
	return l, nil
}
