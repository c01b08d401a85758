package store

import (
	"context"

	"github.com/ules-kz/ules/internal/dbq"
	"github.com/ules-kz/ules/internal/share"
)

// Category is a product category.
type Category struct {
	ID            int32
	Slug          string
	Names         share.Names
	LightIndustry bool
}

func categoryFromRow(c dbq.Category) Category {
	return Category{ID: c.ID, Slug: c.Slug, Names: share.Names{KK: c.NameKk, RU: c.NameRu, EN: c.NameEn}, LightIndustry: c.LightIndustry}
}

// categoryNotFound is CategoryGetBySlug's error for a slug that names no category, for readers that learn
// it another way.
func categoryNotFound(slug string) error { return interpretError(ErrNotFound, "category %q", slug) }

// CategoryGetBySlug returns the category with slug.
func (s *Store) CategoryGetBySlug(ctx context.Context, db DBTX, slug string) (Category, error) {
	c, err := s.q.CategoryGetBySlug(ctx, db, slug)
	if err != nil {
		return Category{}, interpretError(err, "category %q", slug)
	}
	return categoryFromRow(c), nil
}

// CategoryList lists the categories in classification order.
func (s *Store) CategoryList(ctx context.Context, db DBTX) ([]Category, error) {
	rows, err := s.q.CategoryList(ctx, db)
	if err != nil {
		return nil, interpretError(err, "list categories")
	}
	out := make([]Category, len(rows))
	for i, c := range rows {
		out[i] = categoryFromRow(c)
	}
	return out, nil
}
