// Package portal downloads data from the national procurement portal's OWS v3 REST API
// (https://ows.goszakup.gov.kz) into the folder layout that ingest reads with --format portal: one
// sub-folder per endpoint, each holding the pages exactly as the API sent them, page-000001.json,
// page-000002.json, ..., except contract-units/ (see below).
//
// A Client makes authenticated GET requests under a request rate limit, and retries throttling (429),
// server errors, network errors and truncated or invalid pages with exponential backoff and jitter. Any
// other refusal fails at once. Fetch walks every endpoint by following each page's next_page. The API
// has no list of contract units: they are read per contract, for each contract in the contract pages
// just fetched, and gathered into pages of their own. Fetch writes each page atomically and records its
// progress in DIR/.fetch-state.json after every page, so running the same fetch again after an
// interruption continues where it stopped. Sync fetches what changed since the last successful sync
// and hands the folder to an importer.
//
// What is known about the real API comes from public scripts that use it and from pages saved by
// users, not from a specification. The endpoint paths are those the scripts request. The filter for
// "changed since" (SinceParam) and the page size parameter (LimitParam) are assumptions. Each is kept
// in one documented constant so that it can be corrected in one place.
//
// The access token is sent only in the Authorization header, and only to the base URL's host. It never
// appears in logs, errors, the state file or the pages written.
package portal
