package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ules-kz/ules/internal/dbq"
	"github.com/ules-kz/ules/internal/share"
)

// Beginner runs a method that must change several rows at once or not at all: a pool, or a transaction
// (which then opens a savepoint).
type Beginner interface {
	DBTX
	Begin(ctx context.Context) (pgx.Tx, error)
}

func targetFromRow(r dbq.TargetListRow, steps []dbq.TargetThreshold) share.Target {
	t := share.Target{ID: r.ID, Slug: r.Slug, Names: share.Names{KK: r.NameKk, RU: r.NameRu, EN: r.NameEn},
		Basis: share.Names{KK: r.BasisKk, RU: r.BasisRu, EN: r.BasisEn}, Metric: r.Metric, Period: r.Period,
		Filter: share.Filter{Category: r.CategorySlug, Regions: r.Regions, BuyerTypes: r.BuyerTypes, Methods: r.Methods}}
	if r.EndsOn != nil {
		t.EndsOn = *r.EndsOn
	}
	for _, st := range steps {
		if st.TargetID == r.ID {
			t.Schedule = append(t.Schedule, share.Threshold{EffectiveFrom: st.EffectiveFrom, Value: int64(st.ThresholdBp)})
		}
	}
	return t
}

// TargetList lists every target with its threshold schedule, by slug.
func (s *Store) TargetList(ctx context.Context, db DBTX) ([]share.Target, error) {
	rows, err := s.q.TargetList(ctx, db)
	if err != nil {
		return nil, interpretError(err, "list targets")
	}
	steps, err := s.q.TargetThresholdList(ctx, db)
	if err != nil {
		return nil, interpretError(err, "list target thresholds")
	}
	out := make([]share.Target, len(rows))
	for i, r := range rows {
		out[i] = targetFromRow(r, steps)
	}
	return out, nil
}

// TargetGetBySlug returns the target with slug and its threshold schedule.
func (s *Store) TargetGetBySlug(ctx context.Context, db DBTX, slug string) (share.Target, error) {
	r, err := s.q.TargetGetBySlug(ctx, db, slug)
	if err != nil {
		return share.Target{}, interpretError(err, "target %q", slug)
	}
	steps, err := s.q.TargetThresholdList(ctx, db)
	if err != nil {
		return share.Target{}, interpretError(err, "list target thresholds")
	}
	return targetFromRow(dbq.TargetListRow(r), steps), nil
}

// TargetApplied says what TargetApply did with each target, by slug.
type TargetApplied struct {
	Created, Updated []string
}

// TargetApply creates or replaces the targets, keyed by slug, all or none: a target applied again keeps its
// id and gets the given definition and schedule whole. Targets not given are left alone. The targets must
// have been validated (targetfile.Validate); the database's constraints are the last guard.
func (s *Store) TargetApply(ctx context.Context, db Beginner, targets []share.Target) (TargetApplied, error) {
	var done TargetApplied
	tx, err := db.Begin(ctx)
	if err != nil {
		return done, fmt.Errorf("store: apply targets: %w", err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	for _, t := range targets {
		cat, err := s.q.CategoryGetBySlug(ctx, tx, t.Category)
		if err != nil {
			return TargetApplied{}, interpretError(err, "target %q: category %q", t.Slug, t.Category)
		}
		var endsOn *time.Time
		if !t.EndsOn.IsZero() {
			endsOn = &t.EndsOn
		}
		row, err := s.q.TargetUpsert(ctx, tx, dbq.TargetUpsertParams{
			Slug: t.Slug, NameKk: t.Names.KK, NameRu: t.Names.RU, NameEn: t.Names.EN, CategoryID: cat.ID,
			Regions: nonNil(t.Regions), BuyerTypes: nonNil(t.BuyerTypes), Methods: nonNil(t.Methods),
			Metric: t.Metric, Period: t.Period, EndsOn: endsOn, BasisKk: t.Basis.KK, BasisRu: t.Basis.RU, BasisEn: t.Basis.EN,
		})
		if err != nil {
			return TargetApplied{}, interpretError(err, "save target %q", t.Slug)
		}
		if err := s.q.TargetThresholdDeleteByTarget(ctx, tx, row.ID); err != nil {
			return TargetApplied{}, interpretError(err, "replace the schedule of target %q", t.Slug)
		}
		for _, step := range t.Schedule {
			err := s.q.TargetThresholdInsert(ctx, tx, dbq.TargetThresholdInsertParams{
				TargetID: row.ID, EffectiveFrom: step.EffectiveFrom, ThresholdBp: int32(step.Value)})
			if err != nil {
				return TargetApplied{}, interpretError(err, "save the schedule of target %q", t.Slug)
			}
		}
		if row.Inserted {
			done.Created = append(done.Created, t.Slug)
		} else {
			done.Updated = append(done.Updated, t.Slug)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return TargetApplied{}, fmt.Errorf("store: apply targets: %w", err)
	}
	return done, nil
}

// TargetRemove deletes the target with slug and its schedule; ErrNotFound when there is none.
func (s *Store) TargetRemove(ctx context.Context, db DBTX, slug string) error {
	n, err := s.q.TargetDeleteBySlug(ctx, db, slug)
	if err != nil {
		return interpretError(err, "remove target %q", slug)
	}
	if n == 0 {
		return interpretError(pgx.ErrNoRows, "remove target %q", slug)
	}
	return nil
}

// TargetProgressGet measures the target with slug as of asOf: the figures of its period so far and the
// monthly figures share.Measure reads for the trend and the season.
func (s *Store) TargetProgressGet(ctx context.Context, db DBTX, slug string, asOf time.Time) (share.Progress, error) {
	t, err := s.TargetGetBySlug(ctx, db, slug)
	if err != nil {
		return share.Progress{}, err
	}
	return s.TargetProgress(ctx, db, t, asOf)
}

// TargetProgress measures target t as of asOf. The months read for the trend and the projection end on
// the period's last day, so a period that starts on the first of a month (every calendar-year target's)
// is the sum of its months: a contract lies in one month, so its contracts add up too, and the period
// costs no query of its own (the overview measures every target).
func (s *Store) TargetProgress(ctx context.Context, db DBTX, t share.Target, asOf time.Time) (share.Progress, error) {
	from, to, _ := t.Window(asOf)
	groups, err := s.ShareGroupsGet(ctx, db, share.Scope{Filter: t.Filter, From: t.HistoryFrom(asOf), To: to}, "month")
	if err != nil {
		return share.Progress{}, err
	}
	byMonth := make(map[string]share.Figures, len(groups))
	for _, g := range groups {
		byMonth[g.Key] = g.Figures
	}
	var period share.Figures
	switch {
	case to.Before(from):
	case from.Equal(share.MonthOf(from)):
		for m := from; !m.After(to); m = m.AddDate(0, 1, 0) {
			period.Add(byMonth[m.Format(share.MonthKey)])
		}
	default:
		if period, _, err = s.SharesGet(ctx, db, share.Scope{Filter: t.Filter, From: from, To: to}, ""); err != nil {
			return share.Progress{}, err
		}
	}
	return share.Measure(t, asOf, period, byMonth), nil
}

// nonNil keeps a NOT NULL array column from receiving NULL.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
