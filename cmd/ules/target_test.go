package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/pgtest"
)

const rampFile = `targets:
  - slug: workwear-east-ramp
    name: {kk: Шығыстағы арнайы киім, ru: Спецодежда на востоке, en: Workwear in the east}
    basis: Regional programme for light industry
    scope: {category: workwear, regions: ["63"], buyer_types: [national_company]}
    period: schedule
    ends_on: 2027-12-31
    schedule:
      - {from: 2025-01-01, threshold: 60}
      - {from: 2026-01-01, threshold: 65}
      - {from: 2027-01-01, threshold: 75}
`

func TestTargetCommands(t *testing.T) {
	t.Parallel()
	_, url := pgtest.NewDB(t)
	env := map[string]string{"DATABASE_URL": url}
	dir := t.TempDir()
	file := filepath.Join(dir, "targets.yaml")
	require.NoError(t, os.WriteFile(file, []byte(rampFile), 0o644))

	code, out, stderr := runCLI(t, env, "target", "apply", file, "--dry-run")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, out, "would create 1 target(s) and replace 0 (nothing stored)")
	code, out, _ = runCLI(t, env, "target", "list")
	require.Equal(t, 0, code)
	require.NotContains(t, out, "workwear-east-ramp", "a dry run stores nothing")

	code, out, stderr = runCLI(t, env, "target", "apply", file)
	require.Equal(t, 0, code, stderr)
	require.Equal(t, "created workwear-east-ramp\n", out)

	code, out, _ = runCLI(t, env, "target", "list", "--as-of", "2026-06-30", "--lang", "ru")
	require.Equal(t, 0, code)
	require.Contains(t, out, "school-uniforms-50", "the migrations' target is there")
	require.Regexp(t, `workwear-east-ramp\s+no_data\s+-\s+65\.0\s.*Спецодежда на востоке`, out)

	code, out, _ = runCLI(t, env, "target", "show", "--as-of", "2026-06-30", "workwear-east-ramp")
	require.Equal(t, 0, code)
	for _, want := range []string{"Workwear in the east", "regions 63; buyer types national_company", "judged on 2027-12-31",
		"from 2027-01-01  75.0 %"} {
		require.Contains(t, out, want)
	}
	require.Regexp(t, `status\s+no_data\n`, out)
	require.Regexp(t, `threshold\s+65\.0 % \(from 2026-01-01\)\n`, out)
	require.Regexp(t, `next threshold\s+75\.0 % from 2027-01-01\n`, out)

	export := filepath.Join(dir, "export.yaml")
	code, out, _ = runCLI(t, env, "target", "export", "workwear-east-ramp", "--out", export)
	require.Equal(t, 0, code)
	require.Contains(t, out, "wrote 1 target(s)")
	code, out, stderr = runCLI(t, env, "target", "apply", export)
	require.Equal(t, 0, code, stderr)
	require.Equal(t, "replaced workwear-east-ramp\n", out, "an export applies back")

	code, out, _ = runCLI(t, env, "target", "remove", "workwear-east-ramp")
	require.Equal(t, 0, code)
	require.Equal(t, "removed workwear-east-ramp\n", out)
	code, _, stderr = runCLI(t, env, "target", "show", "workwear-east-ramp")
	require.Equal(t, 1, code)
	require.Contains(t, stderr, `no target "workwear-east-ramp": `+"`ules target list` shows the slugs")
}

func TestTargetCommandsRefuse(t *testing.T) {
	t.Parallel()
	_, url := pgtest.NewDB(t)
	env := map[string]string{"DATABASE_URL": url}
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte(strings.Replace(strings.Replace(rampFile, "category: workwear", "category: tanks", 1), "threshold: 65", "threshold: 165", 1)), 0o644))
	big := filepath.Join(dir, "big.yaml")
	require.NoError(t, os.WriteFile(big, make([]byte, maxTargetFile+1), 0o644))

	tests := []struct {
		args   []string
		stderr []string
	}{
		{[]string{"target"}, []string{"want a subcommand"}},
		{[]string{"target", "rename"}, []string{`unknown subcommand "rename"`}},
		{[]string{"target", "apply"}, []string{"want 1 argument(s): FILE"}},
		{[]string{"target", "apply", filepath.Join(dir, "missing.yaml")}, []string{"no such file"}},
		{[]string{"target", "apply", big}, []string{"is larger than 4 MiB"}},
		{[]string{"target", "apply", bad}, []string{
			bad + `:5: targets[0].scope.category: "tanks" is not a category`,
			bad + `:10: targets[0].schedule[1].threshold: "165" is not a percentage`}},
		{[]string{"target", "show", "a", "b"}, []string{"want 1 argument(s)"}},
		{[]string{"target", "show", "school-uniforms-50", "--as-of", "30.06.2026"}, []string{`--as-of "30.06.2026": want a date YYYY-MM-DD`}},
		{[]string{"target", "list", "--lang", "de"}, []string{`--lang "de": want kk, ru or en`}},
		{[]string{"target", "remove", "no-such-target"}, []string{`no target "no-such-target"`}},
		{[]string{"target", "export", "no-such-target"}, []string{`no target "no-such-target"`}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			code, _, stderr := runCLI(t, env, tt.args...)
			require.Equal(t, 1, code)
			for _, want := range tt.stderr {
				require.Contains(t, stderr, want)
			}
		})
	}
	code, out, _ := runCLI(t, env, "target", "list")
	require.Equal(t, 0, code)
	require.NotContains(t, out, "workwear-east-ramp", "a refused file stores nothing")
}
