package httpapi_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ules-kz/ules/internal/httpapi"
	"github.com/ules-kz/ules/internal/ingest"
	"github.com/ules-kz/ules/internal/pgtest"
)

// An import's bad records and summary are shown in the page's language, as the importer wrote them in
// English only; the API keeps the importer's words.
func TestImportReasonsInTheUsersLanguage(t *testing.T) {
	t.Parallel()
	pool, _ := pgtest.NewDB(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	path := filepath.Join(t.TempDir(), "items.csv")
	rows := "contract_id,signed_on,buyer_bin,supplier_id,item_id,enstru_code,item_name,value,kato,status\n" +
		",2016-08-01,100140000001,100240000003,1,141311.100.000001,Форма,100,751110000,\n" +
		"C-2,2016-13-01,100140000001,100240000003,1,141311.100.000001,Форма,100,751110000,\n" +
		"C-3,2016-08-01,100140000001,100240000003,1,141311.100.000001,Форма,100,991110000,\n" +
		"C-4,2016-08-01,100140000001,100240000003,1,141311.100.000001,Форма,100,751110000,somehow\n" +
		"C-5,2016-08-01,100140000001,100240000003,1,141311.100.000001,Форма,100,751110000,\n" +
		"C-5,2016-08-01,100140000001,100240000003,1,141311.100.000001,Форма,100,751110000,\n" +
		"C-6,2016-08-01,100140000001,100240000003,1,141311.100.000001,Форма,100,751110000,330\n"
	require.NoError(t, os.WriteFile(path, []byte(rows), 0o600))
	res, err := ingest.NewImporter(pool, "KZ", log).Import(context.Background(), ingest.Options{Format: "csv", Path: path, MaxErrors: 10})
	require.NoError(t, err)
	require.Equal(t, int64(5), res.Rejected)
	app, err := httpapi.New(pool, log, time.Now)
	require.NoError(t, err)
	page := "/imports/" + strconv.FormatInt(res.BatchID, 10)

	for lang, want := range map[string][]string{
		"ru": {"contract_id: обязательное поле", "signed_on: &#34;2016-13-01&#34; — не дата", "kato: &#34;991110000&#34; не указывает регион",
			"status: &#34;somehow&#34; — неизвестный статус договора", "позиция 1 договора C-5 указана повторно (впервые: items.csv:6)",
			"1 сохранено, не учитывается: договоры со статусом 330 (Не заключен)"},
		"kk": {"contract_id: міндетті өріс", "— күн емес", "өңірді көрсетпейді", "белгісіз шарт мәртебесі", "қайта берілген",
			"1 сақталды, есептелмейді: мәртебесі 330 (Не заключен) шарттар"},
		"en": {"contract_id: is required", "is not a date", "names no region", "is no contract status Ules knows", "is given again",
			"1 stored, not counted: contracts of status 330"},
	} {
		status, _, body := response(t, app, page+"?lang="+lang)
		require.Equal(t, 200, status)
		for _, w := range want {
			require.Contains(t, body, w, lang)
		}
		if lang != "en" {
			for _, english := range []string{"is required", "is not a date", "names no region", "is given again", "stored, not counted"} {
				require.NotContains(t, body, english, lang)
			}
		}
	}
	_, _, body := response(t, app, "/api/v1/imports/"+strconv.FormatInt(res.BatchID, 10)+"?lang=ru")
	require.Contains(t, body, "contract_id: is required", "the API keeps the importer's words")
}
