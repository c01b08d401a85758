package httpapi

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v3"

	"github.com/ules-kz/ules/internal/locale"
	textlang "golang.org/x/text/language"
)

// languages are the pages' languages (internal/locale).
var languages = locale.Languages

// langLink is one entry of the language switch: the current page in another language.
type langLink struct {
	Lang, URL string
}

// translator is T for the request's language.
func (s *Server) translator(c fiber.Ctx) func(string) string {
	return s.catalog.translator(language(c))
}

// pageData starts the data of every page: its title, language, translators (T for a message, N for one
// with a count) and language switch.
func (s *Server) pageData(c fiber.Ctx, title string) fiber.Map {
	lang := language(c)
	links := make([]langLink, len(languages))
	for i, l := range languages {
		q := url.Values{}
		for k, v := range c.RequestCtx().QueryArgs().All() {
			q.Add(string(k), string(v))
		}
		if l != lang && q.Get("sort") == "label" {
			q.Del("after") // the explorer's cursor holds a label in this language: another starts over
		}
		q.Set("lang", l)
		links[i] = langLink{Lang: l, URL: c.Path() + "?" + q.Encode()}
	}
	return fiber.Map{"Title": title, "Lang": lang, "LangLinks": links, "T": s.catalog.translator(lang), "N": s.catalog.plural(lang)}
}

// langMatcher picks the closest of the product's languages to a browser's Accept-Language.
var langMatcher = textlang.NewMatcher([]textlang.Tag{textlang.English, textlang.Kazakh, textlang.Russian})

// langCookie remembers the language a user chose.
const langCookie = "lang"

// chooseLanguage decides a request's language once: ?lang= (remembered in a cookie), then the cookie, then
// the browser's Accept-Language, then English.
func chooseLanguage(c fiber.Ctx) error {
	lang := ""
	if q := c.Query("lang"); known(q) {
		lang = q
		if strings.HasPrefix(c.Path(), "/reports/") {
			// A report's language is the report's: downloading one in Russian leaves the pages in Kazakh.
			c.Locals(langLocal, lang)
			return c.Next()
		}
		c.Cookie(&fiber.Cookie{Name: langCookie, Value: q, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: fiber.CookieSameSiteLaxMode})
	} else if k := c.Cookies(langCookie); known(k) {
		lang = k
	} else if accept := c.Get(fiber.HeaderAcceptLanguage); accept != "" {
		tags, _, err := textlang.ParseAcceptLanguage(accept)
		if err == nil && len(tags) > 0 {
			if _, i, conf := langMatcher.Match(tags...); conf != textlang.No {
				lang = []string{"en", "kk", "ru"}[i]
			}
		}
	}
	if lang == "" {
		lang = "en"
	}
	c.Locals(langLocal, lang)
	return c.Next()
}

const langLocal = "ules.lang"

func known(lang string) bool {
	for _, l := range languages {
		if lang == l {
			return true
		}
	}
	return false
}

// language is the request's language as chooseLanguage decided it.
func language(c fiber.Ctx) string {
	if l, ok := c.Locals(langLocal).(string); ok {
		return l
	}
	return "en"
}

// langQuery keeps the page's language in a link it builds.
func langQuery(c fiber.Ctx) string {
	if l := c.Query("lang"); l != "" {
		return "lang=" + language(c) + "&"
	}
	return ""
}
