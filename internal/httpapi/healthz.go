package httpapi

import "github.com/gofiber/fiber/v3"

// healthz answers GET /healthz: the process is up.
func (s *Server) healthz(c fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok"})
}
