package httpapi

import "github.com/gofiber/fiber/v3"

type statusRow struct {
	Code, Name, Counts string
}

// showMethodology answers GET /methodology: what every figure counts and how, with the table of contract
// statuses as the database holds it (docs/methodology.md says the same).
func (s *Server) showMethodology(c fiber.Ctx) error {
	lang := language(c)
	statuses, err := s.store.ContractStatusList(c.Context(), s.db)
	if err != nil {
		return err
	}
	bySchema := map[string][]statusRow{}
	for _, st := range statuses {
		code := st.Code
		if code == "" {
			code = "—"
		}
		bySchema[st.Scheme] = append(bySchema[st.Scheme], statusRow{Code: code, Name: st.Names.In(lang), Counts: st.Counts})
	}
	data := s.pageData(c, s.translator(c)("Methodology"))
	data["Portal"], data["OCDS"], data["Sheet"] = bySchema["portal"], bySchema["ocds"], bySchema["sheet"]
	return c.Render("methodology", data)
}
