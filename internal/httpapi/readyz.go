package httpapi

import "github.com/gofiber/fiber/v3"

// readyz answers GET /readyz: whether the database answers, and nothing of where it is. The error, which
// names the host, port, user and database, goes to the log.
func (s *Server) readyz(c fiber.Ctx) error {
	if err := s.ping(c.Context()); err != nil {
		s.log.Warn("not ready: the database does not answer", "err", err)
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable"})
	}
	return c.JSON(fiber.Map{"status": "ok"})
}
