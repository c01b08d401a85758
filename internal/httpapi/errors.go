package httpapi

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v3"

	"github.com/ules-kz/ules/internal/store"
)

// paramError is a bad query or path parameter: 400 naming the parameter. A request well formed whose
// scope has nothing to answer with (a report of a period without purchases) is 422, and may name none.
type paramError struct {
	Param  string
	Reason string
	Status int // 0 for 400
	// The reason's words before their values went in: the catalogs hold them as a key (badParam's format),
	// so that a page says it in its language. The API answers in English.
	format string
	args   []any
}

func (e *paramError) Error() string { return e.named(e.Reason) }

func (e *paramError) named(reason string) string {
	if e.Param == "" {
		return reason
	}
	return e.Param + ": " + reason
}

// in says the error in lang, where the catalog has its words; "%s" passes on another error's text.
func (e *paramError) in(c *catalog, lang string) string {
	if e.format == "" || e.format == "%s" {
		return e.Error()
	}
	format, ok := c.localize(lang, e.format, -1)
	if !ok {
		return e.Error()
	}
	return e.named(fmt.Sprintf(format, e.args...))
}

func badParam(param, format string, args ...any) error {
	return &paramError{Param: param, Reason: fmt.Sprintf(format, args...), format: format, args: args}
}

// unknownCategory turns the store's not-found for a scope's category into a 400 naming the parameter;
// other errors pass through.
func unknownCategory(err error, slug string) error {
	if errors.Is(err, store.ErrNotFound) {
		return badParam("category", "%q is not a known category (see /api/v1/categories)", slug)
	}
	return err
}

// answer is what an error may tell the user: a status and a message in words for the user (a key of the
// messages). A bad parameter names itself; anything else says only what happened, while the log keeps the
// detail of a server error.
func (s *Server) answer(c fiber.Ctx, err error) (status int, message string, pe *paramError) {
	var fe *fiber.Error
	switch {
	case errors.As(err, &pe):
		return cmp.Or(pe.Status, fiber.StatusBadRequest), pe.Error(), pe
	case errors.Is(err, errReportsBusy):
		return fiber.StatusServiceUnavailable, "Reports busy", nil
	case errors.Is(err, store.ErrNotFound):
		return fiber.StatusNotFound, "Not found", nil
	case errors.As(err, &fe) && fe.Code < 500:
		if fe.Code == fiber.StatusNotFound {
			return fe.Code, "Not found", nil
		}
		return fe.Code, http.StatusText(fe.Code), nil
	}
	s.log.Error("request failed", "method", c.Method(), "path", c.Path(), "err", err)
	return fiber.StatusInternalServerError, "Something went wrong", nil
}

type errorBody struct {
	Error string `json:"error"`
	Param string `json:"param,omitempty"`
}

// apiErrors is the API group's middleware: the errors of the handlers after it are answered as JSON.
func (s *Server) apiErrors(c fiber.Ctx) error {
	err := c.Next()
	if err == nil {
		return nil
	}
	return s.jsonError(c, err)
}

// negotiatedErrors is the middleware of routes a browser and a script both call (the reports): their
// errors are JSON to a client that asks for JSON rather than HTML, and a page otherwise.
func (s *Server) negotiatedErrors(c fiber.Ctx) error {
	err := c.Next()
	if err == nil || c.Accepts(fiber.MIMETextHTML, fiber.MIMEApplicationJSON) != fiber.MIMEApplicationJSON {
		return err
	}
	return s.jsonError(c, err)
}

// jsonError answers err as {"error": ..., "param": ...}.
func (s *Server) jsonError(c fiber.Ctx, err error) error {
	status, message, pe := s.answer(c, err)
	body := errorBody{Error: strings.ToLower(message[:1]) + message[1:]}
	if pe != nil {
		body = errorBody{Error: pe.Error(), Param: pe.Param}
	}
	return c.Status(status).JSON(body)
}

// pageError answers an error with a page in the request's language; it is the application's error handler.
func (s *Server) pageError(c fiber.Ctx, err error) error {
	status, message, pe := s.answer(c, err)
	T := s.translator(c)
	data := s.pageData(c, T(message))
	data["Message"] = ""
	if s.catalog.has(message + " detail") {
		data["Message"] = T(message + " detail")
	}
	if pe != nil {
		data["Message"] = pe.in(s.catalog, language(c))
		data["Title"] = T("A parameter is wrong")
		if pe.Status == fiber.StatusUnprocessableEntity { // a scope without purchases says so in the page's words
			data["Title"] = T("No purchases in this period")
		}
	}
	if err := c.Status(status).Render("error", data); err != nil {
		s.log.Error("render error page", "err", err)
		return c.Status(status).SendString(T(message))
	}
	return nil
}
