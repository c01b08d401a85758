-- name: StagePlanKatosCopyFrom :copyfrom
INSERT INTO stg_plan_katos (loc, plan_id, kato) VALUES (@loc, @plan_id, @kato);

-- name: StagePlansCopyFrom :copyfrom
INSERT INTO stg_plans (loc, plan_id, enstru_code, name, name_kk, description, unit, category_id)
VALUES (@loc, @plan_id, @enstru_code, @name, @name_kk, @description, @unit, @category_id);
