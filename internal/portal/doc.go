// Package portal downloads data from the national procurement portal's OWS v3 API
// (https://ows.goszakup.gov.kz) into the folder layout that ingest reads with --format portal: one
// sub-folder per endpoint, each holding pages page-000001.json, page-000002.json, ... in the REST
// envelope {"items": [...]}.
//
// Contracts with their units, and plan points with their places, come from GraphQL (POST /v3/graphql):
// a page holds up to 200 records with their nested records, so 1,000 contracts take 6 requests, units
// included, where the REST API needed one request per contract for its units. fetchList writes each
// GraphQL page as REST records (snake_case names, values byte for byte) to contract/ and
// contract-units/, or plans/ and plans-kato/. Contracts are filtered by lastUpdateDate: [from, to],
// days in Almaty time, which is the time of the portal's timestamps (UTC+5, no zone). Plan points take
// no working date filter: a since walk stops after a page of points all created before the since day.
// The other lists (subjects, lots, announcements, reference lists) are REST lists with no date filter,
// fetched whole in pages of 500 by following next_page.
//
// Lists come newest first, so records created during a walk land before its cursor: a GraphQL walk
// reads its head again at the end. A sync's window starts on the day an hour before the previous
// successful sync began, so it overlaps that sync; importing a record twice is harmless.
//
// A Client makes authenticated requests under a request rate limit, and retries throttling (429),
// refusals (403, which the portal answers now and then), server errors, network errors, and truncated
// or invalid pages with exponential backoff and jitter. The portal answers a wrong or expired token with
// 404 "Invalid Route", as it answers a path it does not serve: after a 404 the client requests
// ProbePath once, and when that is refused too, the error says that the token was rejected and is to be
// renewed. Fetch writes each page atomically and records its progress (for GraphQL, the cursor) in
// DIR/.fetch-state.json after every page, so running the same fetch again after an interruption
// continues where it stopped. Sync fetches what changed since the last successful sync and hands the
// folder to an importer.
//
// What is known about the API comes from public clients and from responses they saved, not from a
// specification; docs/portal.md lists the sources. The GraphQL field names are those of the schema a
// public client introspected on the live portal. Assumptions are kept in one place each: the REST
// names of GraphQL fields and the completeness of nested lists (graphql.go), how the portal reads the
// end date of a window (FetchOptions.Until).
//
// The access token is sent only in the Authorization header, and only to the base URL's host. It never
// appears in logs, errors, the state file or the pages written.
package portal
