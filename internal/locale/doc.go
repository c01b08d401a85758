// Package locale holds the product's own words in Kazakh, Russian and English (the message catalogs of
// web/translations, loaded through go-i18n) and writes numbers, money and dates the way each language's
// readers do. The pages and the reports share it, so a figure reads the same on a page and on paper.
package locale
