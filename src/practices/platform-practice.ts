/**
 * The reserved platform practice: a real `practices` row (made by migration 1763713400000) that
 * owns what belongs to no practice, so that every tenant row, audit events included, has one.
 * Nobody signs in to it (`ck_staff_not_platform`), it is never provisioned, and its audit chain is
 * the platform chain. The nil UUID, because that was already the platform chain's id.
 */
export const PLATFORM_PRACTICE_ID = '00000000-0000-0000-0000-000000000000';
