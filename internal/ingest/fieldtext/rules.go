package fieldtext

import (
	"strings"
	"time"
)

// Rules are the reference lists an import checks fields against, as they stand in its transaction. A nil
// *Rules checks nothing (the parser tests read without a database).
type Rules struct {
	Regions map[string]bool // first-level KATO codes
	// Statuses maps a contract status as a spreadsheet may write it (its code, the portal's symbol, or a
	// name, in lower case) to its code in contract_statuses.
	Statuses map[string]string
	// AmbiguousStatuses are the words that name statuses counted differently, refused, with how to write
	// each of those statuses instead.
	AmbiguousStatuses map[string][]string
	// Methods maps a procurement method as a spreadsheet may write it (the portal's code, or a symbol or
	// name that names one method only, in lower case) to the portal's code.
	Methods       map[string]string
	LatestSigning time.Time // a signing date after it is a typo
}

// Method turns a spreadsheet's procurement method into the portal's code when it names one, so that a
// target scoped to a method counts every source's contracts of it; any other text is kept as given.
func (r *Rules) Method(given string) string {
	if code, ok := r.MethodCode(given); ok {
		return code
	}
	return strings.TrimSpace(given)
}

// MethodCode is the portal's code of the method given, if it names one.
func (r *Rules) MethodCode(given string) (string, bool) {
	if r == nil {
		return "", false
	}
	code, ok := r.Methods[strings.ToLower(strings.TrimSpace(given))]
	return code, ok
}

// Status turns a spreadsheet's status into its code; "" (not stated) is a concluded contract.
func (r *Rules) Status(field, given string) (string, error) {
	if r == nil || given == "" {
		return given, nil
	}
	key := strings.ToLower(strings.TrimSpace(given))
	if code, ok := r.Statuses[key]; ok {
		return code, nil
	}
	if ways := r.AmbiguousStatuses[key]; len(ways) > 0 {
		return "", Errorf(field, "%q names statuses that count differently: write %s", given, strings.Join(ways, " or "))
	}
	return "", Errorf(field, "%q is no contract status Ules knows: give the portal's code (190) or name (Действует), an OCDS status (active, terminated, pending), or leave it empty for a concluded contract", given)
}

// Region refuses a KATO code whose first two digits are none of the regions'.
func (r *Rules) Region(field, kato string) error {
	if r == nil || len(kato) < 2 || r.Regions[kato[:2]] {
		return nil
	}
	return Errorf(field, "%q names no region: KATO codes start with one of the 20 regions' two-digit codes (71 Astana, 75 Almaty, ...)", kato)
}

// Signed refuses a signing date more than a year ahead, which is a typo rather than a contract.
func (r *Rules) Signed(field string, signed *time.Time) error {
	if r == nil || signed == nil || !signed.After(r.LatestSigning) {
		return nil
	}
	return Errorf(field, "%s is more than a year from today: check the date", signed.Format(time.DateOnly))
}
