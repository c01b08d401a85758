package dbq

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// This file is written by hand beside sqlc's output: sqlc reads a :many query into one slice, and the
// explorer's download must hold one row at a time. It runs sqlc's own query text and scans in its column
// order; TestCountedItemExportRowsMatch (internal/store) fails when the two part.

// CountedItemExportRows runs CountedItemExport and returns its rows unread; ScanCountedItemExport reads each.
func (q *Queries) CountedItemExportRows(ctx context.Context, db DBTX, arg CountedItemExportParams) (pgx.Rows, error) {
	return db.Query(ctx, countedItemExport, arg.CategoryID, arg.DateFrom, arg.DateTo, arg.Regions, arg.BuyerTypes,
		arg.Methods, arg.Tiers, arg.BuyerBin, arg.SupplierID)
}

// ScanCountedItemExport reads the row rows is on.
func ScanCountedItemExport(rows pgx.Rows, i *CountedItemExportRow) error {
	return rows.Scan(&i.Source, &i.ContractID, &i.SignedOn, &i.BuyerBin, &i.BuyerNameRu, &i.BuyerNameKk, &i.BuyerType,
		&i.SupplierID, &i.SupplierNameRu, &i.SupplierNameKk, &i.SupplierCountry, &i.Category, &i.Region, &i.KATO,
		&i.Method, &i.Status, &i.EnstruCode, &i.ItemName, &i.Quantity, &i.Unit, &i.Value, &i.Tier, &i.TierRule,
		&i.LocalContentBp, &i.LocalContentCertifiedBp, &i.LocalContentPublishedBp)
}
