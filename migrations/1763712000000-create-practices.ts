import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The tenant. Every other table carries `practice_id` and leads its composite indexes with it. */
export class CreatePractices1763712000000 implements MigrationInterface {
  name = 'CreatePractices1763712000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE practices (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        name text NOT NULL,
        time_zone text NOT NULL DEFAULT 'UTC',
        settings jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_practices PRIMARY KEY (id),
        CONSTRAINT ck_practices_name_not_blank CHECK (length(btrim(name)) > 0),
        CONSTRAINT ck_practices_settings_object CHECK (jsonb_typeof(settings) = 'object')
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE practices`);
  }
}
