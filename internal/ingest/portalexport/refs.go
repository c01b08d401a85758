package portalexport

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/ules-kz/ules/internal/ingest/record"
)

// ref is one entry of the portal's reference lists (ref_contract_status, ref_trade_methods).
type ref struct {
	ID         json.Number `json:"id"`
	Code       string      `json:"code"`
	SymbolCode string      `json:"symbol_code"`
	NameRU     string      `json:"name_ru"`
	NameKZ     string      `json:"name_kz"`
}

// ContractStatuses reads the contract statuses of an export's refs/ folder, as the portal names them: its
// codes are the entries' ids.
func (rd *Reader) ContractStatuses(dir string) ([]record.ContractStatus, error) {
	return readRefs(rd, dir, "ref_contract_status", func(r ref) record.ContractStatus {
		return record.ContractStatus{Code: r.ID.String(), Symbol: r.Code, NameKk: strings.TrimSpace(r.NameKZ), NameRu: strings.TrimSpace(r.NameRU)}
	})
}

// TradeMethods reads the procurement methods of an export's refs/ folder, as the portal names them.
func (rd *Reader) TradeMethods(dir string) ([]record.TradeMethod, error) {
	return readRefs(rd, dir, "ref_trade_methods", func(r ref) record.TradeMethod {
		code := r.Code
		if code == "" {
			code = r.ID.String()
		}
		return record.TradeMethod{Code: code, Symbol: r.SymbolCode, NameKk: strings.TrimSpace(r.NameKZ), NameRu: strings.TrimSpace(r.NameRU),
			// The portal marks purchases outside the state procurement law "(не ГЗ)".
			InLaw: !strings.Contains(r.NameRU, "не ГЗ")}
	})
}

// readRefs reads the pages of refs/NAME, each entry as entry makes it; a page that cannot be read is a bad
// record of its own.
func readRefs[T any](rd *Reader, dir, name string, entry func(ref) T) ([]T, error) {
	refs, err := rd.refs(dir, name)
	if err != nil {
		return nil, err
	}
	out := make([]T, len(refs))
	for i, r := range refs {
		out[i] = entry(r)
	}
	return out, nil
}

// refs reads the entries of the pages of refs/NAME.
func (rd *Reader) refs(dir, name string) ([]ref, error) {
	files, err := pageFiles(filepath.Join(dir, "refs", name))
	if err != nil {
		return nil, err
	}
	var out []ref
	for _, f := range files {
		rel := filepath.ToSlash(filepath.Join("refs", name, filepath.Base(f)))
		r, closeInput, err := rd.Open(f, rel, rd.Errs)
		if r == nil || err != nil {
			if err != nil {
				return nil, err
			}
			continue
		}
		var page struct {
			Items []ref `json:"items"`
		}
		dec := json.NewDecoder(io.LimitReader(r, 64<<20))
		dec.UseNumber()
		err = dec.Decode(&page)
		closeInput()
		if err != nil {
			rd.Errs.Add(rel, "not a page of the portal's "+name+" list: "+err.Error())
			continue
		}
		for i, item := range page.Items {
			if _, err := strconv.Atoi(item.ID.String()); err != nil {
				rd.Errs.Add(rel+":$.items["+strconv.Itoa(i)+"].id", fmt.Sprintf("%q is not a number", item.ID.String()))
				continue
			}
			out = append(out, item)
		}
	}
	return out, nil
}
