package share

// Names are a label in the three languages of the product.
type Names struct{ KK, RU, EN string }

// In returns the label in lang (kk, ru or en), falling back to Russian, then to any non-empty name.
func (n Names) In(lang string) string {
	var s string
	switch lang {
	case "kk":
		s = n.KK
	case "en":
		s = n.EN
	default:
		s = n.RU
	}
	for _, alt := range []string{s, n.RU, n.KK, n.EN} {
		if alt != "" {
			return alt
		}
	}
	return ""
}
