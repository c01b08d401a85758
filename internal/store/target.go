package store

import (
	"context"
	"time"

	"github.com/ules-kz/ules/internal/dbq"
	"github.com/ules-kz/ules/internal/share"
)

func targetFromRow(r dbq.TargetListRow, steps []dbq.TargetThreshold) share.Target {
	t := share.Target{ID: r.ID, Slug: r.Slug, Names: share.Names{KK: r.NameKk, RU: r.NameRu, EN: r.NameEn},
		Category: r.CategorySlug, Metric: r.Metric, Period: r.Period}
	if r.Region != nil {
		t.Region = *r.Region
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

// TargetProgressGet measures the target with slug as of asOf: the figures of its period so far and of the
// trailing twelve months, assessed by share.Measure.
func (s *Store) TargetProgressGet(ctx context.Context, db DBTX, slug string, asOf time.Time) (share.Progress, error) {
	t, err := s.TargetGetBySlug(ctx, db, slug)
	if err != nil {
		return share.Progress{}, err
	}
	from, to := share.CalendarYear(asOf)
	ytd, _, err := s.SharesGet(ctx, db, share.Scope{Category: t.Category, From: from, To: to, Region: t.Region}, "")
	if err != nil {
		return share.Progress{}, err
	}
	months := share.TrailingMonths(asOf)
	_, groups, err := s.SharesGet(ctx, db, share.Scope{Category: t.Category, From: months[0], To: to, Region: t.Region}, "month")
	if err != nil {
		return share.Progress{}, err
	}
	byMonth := make(map[string]share.Figures, len(groups))
	for _, g := range groups {
		byMonth[g.Key] = g.Figures
	}
	return share.Measure(t, asOf, ytd, byMonth), nil
}
