package httpapi

import "github.com/gofiber/fiber/v3"

// apiListCategories answers GET /api/v1/categories.
func (s *Server) apiListCategories(c fiber.Ctx) error {
	cats, err := s.store.CategoryList(c.Context(), s.db)
	if err != nil {
		return err
	}
	lang := language(c)
	out := make([]fiber.Map, len(cats))
	for i, cat := range cats {
		out[i] = fiber.Map{"slug": cat.Slug, "name": cat.Names.In(lang), "light_industry": cat.LightIndustry}
	}
	return c.JSON(fiber.Map{"categories": out})
}
