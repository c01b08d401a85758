// Package demo generates the demo dataset of Ules: a deterministic, realistic picture of Kazakhstan's
// public procurement of school uniforms, workwear, footwear, furniture and computers from 2016 to
// November 2026, in the format of the national procurement portal's OWS v3 REST API as saved to disk,
// so that it loads through the same importer as real data.
//
// The dataset follows the published figures: a school-uniform market of over 37 bn tenge in 2016 in
// which domestic producers held about 7%, growing about 5% a year while the domestic share rises
// unevenly towards the discussed target of 50%, with large differences between regions. Buyers are
// schools, education departments, akimats, emergency and police departments, military units and a
// national company in all 20 regions; suppliers are one large Almaty factory, small workshops,
// resident resellers of imported goods and foreign companies. All names are fictional.
//
// [Generate] writes a dataset to a directory through [PortalSink]; [Run] emits the same records to any
// [Sink]. Both are driven by a seeded generator that holds no records, so memory use does not grow with
// the dataset. Money is held as int64 tiyn and percentages as int64 basis points throughout; only the
// sink turns them into decimal numbers.
package demo
