// Package classify assigns procurement contract items to product categories
// by rules, so that Ules can measure the domestic share per category.
//
// A [Rule] matches an item when the item's ENSTRU code starts with one of the
// rule's prefixes or when one of the rule's keyword patterns occurs in any of
// the item's texts (name, description, in Kazakh, Russian or English). Rules
// are tried in order of ascending Priority, ties broken by Slug, and the first
// matching rule wins, so every item lands in at most one category.
//
// # ENSTRU prefixes
//
// Only digits are compared: dots in both the code and the prefix are ignored,
// so the prefix "1412" (or "14.12") matches "141211.100.000001". Surrounding
// whitespace in the code is ignored as well. A prefix must contain at least
// one digit and nothing but digits and dots.
//
// # Keyword patterns
//
// A pattern is one or more words separated by spaces, for example
// "школьн* форм*" or "аяқ киім*".
//
//   - Matching is case-insensitive for all of Unicode, including the Kazakh
//     letters ә ғ қ ң ө ұ ү һ і and Latin.
//   - A text is split into words at every run of characters that are not
//     letters, digits or combining marks: spaces, hyphens, commas, quotes,
//     «», brackets and so on. "«Школьная»-форма" is the two words "школьная"
//     and "форма".
//   - A pattern word without "*" must equal a whole text word: "парта"
//     matches "Парта" but neither "партами" nor "партия".
//   - A pattern word ending in "*" matches any text word that starts with it,
//     which covers inflections: "школьн*" matches "школьная", "школьной" and
//     "школьную", but not "нешкольная", because matching always starts at the
//     beginning of a word.
//   - The words of a multi-word pattern must occur as consecutive words of
//     the same text, in the same order: "школьн* форм*" matches
//     "Школьная форма", but not "Форма школьная" nor
//     "школьная летняя форма".
//
// A pattern word may contain only letters, digits and combining marks,
// optionally followed by a single trailing "*"; an empty pattern, a bare "*"
// or a "*" inside a word is rejected by [New].
//
// # Performance
//
// [New] compiles all patterns into a byte trie and all prefixes into a digit
// trie, so [Classifier.Classify] lower-cases and scans each text exactly
// once, no matter how many rules there are, and does not allocate in the
// common case.
package classify
