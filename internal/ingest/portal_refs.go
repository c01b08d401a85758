package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/ules-kz/ules/internal/dbq"
)

// portalRef is one entry of the portal's reference lists (ref_contract_status, ref_trade_methods).
type portalRef struct {
	ID         json.Number `json:"id"`
	Code       string      `json:"code"`
	SymbolCode string      `json:"symbol_code"`
	NameRU     string      `json:"name_ru"`
	NameKZ     string      `json:"name_kz"`
}

// loadPortalRefs takes the names of contract statuses and procurement methods from an export's refs/
// folder, as the portal published them. What a status counts stays the methodology's decision: a status
// new to Ules is added counting nowhere, and the import says so.
func (im *Importer) loadPortalRefs(ctx context.Context, tx pgx.Tx, dir string, errs *errorLog) error {
	statuses, err := readPortalRefs(dir, "ref_contract_status", errs)
	if err != nil {
		return err
	}
	for _, r := range statuses {
		added, err := im.q.ContractStatusUpsertPortal(ctx, tx, dbq.ContractStatusUpsertPortalParams{
			Code: r.ID.String(), Symbol: r.Code, NameKk: strings.TrimSpace(r.NameKZ), NameRu: strings.TrimSpace(r.NameRU),
		})
		if errors.Is(err, pgx.ErrNoRows) {
			continue // a code another scheme holds; the portal's are numbers
		}
		if err != nil {
			return fmt.Errorf("ingest: store contract status %s: %w", r.ID, err)
		}
		if added {
			errs.Note(fmt.Sprintf("the portal lists a contract status new to Ules, %s (%s): its contracts count nowhere until contract_statuses says how they count", r.ID, strings.TrimSpace(r.NameRU)))
		}
	}
	methods, err := readPortalRefs(dir, "ref_trade_methods", errs)
	if err != nil {
		return err
	}
	for _, r := range methods {
		code := r.Code
		if code == "" {
			code = r.ID.String()
		}
		err := im.q.TradeMethodUpsert(ctx, tx, dbq.TradeMethodUpsertParams{
			Code: code, Symbol: r.SymbolCode, NameKk: strings.TrimSpace(r.NameKZ), NameRu: strings.TrimSpace(r.NameRU),
			// The portal marks purchases outside the state procurement law "(не ГЗ)".
			InLaw: !strings.Contains(r.NameRU, "не ГЗ"),
		})
		if err != nil {
			return fmt.Errorf("ingest: store procurement method %s: %w", code, err)
		}
	}
	return nil
}

// readPortalRefs reads the pages of refs/NAME; a page that cannot be read is a bad record of its own.
func readPortalRefs(dir, name string, errs *errorLog) ([]portalRef, error) {
	files, err := pageFiles(filepath.Join(dir, "refs", name))
	if err != nil {
		return nil, err
	}
	var out []portalRef
	for _, f := range files {
		rel := filepath.ToSlash(filepath.Join("refs", name, filepath.Base(f)))
		r, closeInput, err := openInput(f, rel, &stager{}, errs) // a few kilobytes: no progress to report
		if r == nil || err != nil {
			if err != nil {
				return nil, err
			}
			continue
		}
		var page struct {
			Items []portalRef `json:"items"`
		}
		dec := json.NewDecoder(io.LimitReader(r, 64<<20))
		dec.UseNumber()
		err = dec.Decode(&page)
		closeInput()
		if err != nil {
			errs.Add(rel, "not a page of the portal's "+name+" list: "+err.Error())
			continue
		}
		for i, item := range page.Items {
			if _, err := strconv.Atoi(item.ID.String()); err != nil {
				errs.Add(rel+":$.items["+strconv.Itoa(i)+"].id", fmt.Sprintf("%q is not a number", item.ID.String()))
				continue
			}
			out = append(out, item)
		}
	}
	return out, nil
}
