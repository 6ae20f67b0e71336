//! The change log of a [`SqliteRegistry`](super::SqliteRegistry) transaction: the `changes`
//! rows and the `meta` counters (last sequence number, trimmed position, capacity), written in
//! the writing transaction itself so that a change is logged exactly when it commits.

use super::*;

/// The change log's counters inside one transaction.
#[derive(Clone, Copy, Debug)]
pub(super) struct LogState {
    /// The last sequence number (committed, plus this transaction's appends).
    pub(super) last: u64,
    /// The highest sequence number trimmed.
    pub(super) trimmed: u64,
    /// How many changes the log keeps.
    pub(super) capacity: u64,
    /// Changes this transaction appended.
    pub(super) appended: u64,
}

/// Before a commit that appended changes: records the last sequence number and trims the log
/// to its capacity, in the same transaction (`log.trimmed` follows).
pub(super) fn finish_log(conn: &Connection, log: &mut LogState) -> StoreResult<()> {
    // One row per statement on purpose: an UPDATE of several meta rows at once (`name IN
    // (...)`, or a CASE) builds an ephemeral table and a statement journal on every commit,
    // which measured slower than the two point updates.
    conn.prepare_cached("UPDATE meta SET value = ?1 WHERE name = 'change_seq'")?
        .execute([to_sql_int(log.last)?])?;
    if log.last > log.capacity {
        let keep_after = to_sql_int(log.last - log.capacity)?;
        if log.last - log.capacity > log.trimmed {
            conn.prepare_cached("DELETE FROM changes WHERE seq <= ?1")?
                .execute([keep_after])?;
            conn.prepare_cached("UPDATE meta SET value = ?1 WHERE name = 'change_trimmed'")?
                .execute([keep_after])?;
            log.trimmed = log.last - log.capacity;
        }
    }
    Ok(())
}

/// The meta counters of the change log.
pub(super) fn read_log_state(conn: &Connection) -> StoreResult<LogState> {
    let mut stmt = conn.prepare_cached(
        "SELECT name, value FROM meta WHERE name IN ('change_seq', 'change_trimmed', 'change_capacity')",
    )?;
    let mut rows = stmt.query([])?;
    let (mut last, mut trimmed, mut capacity) = (None, None, None);
    while let Some(r) = rows.next()? {
        let name: String = r.get(0)?;
        let value = from_sql_int(r.get(1)?, "change log counter")?;
        match name.as_str() {
            "change_seq" => last = Some(value),
            "change_trimmed" => trimmed = Some(value),
            _ => capacity = Some(value),
        }
    }
    match (last, trimmed, capacity) {
        (Some(last), Some(trimmed), Some(capacity)) => Ok(LogState {
            last,
            trimmed,
            capacity,
            appended: 0,
        }),
        _ => Err(StoreError::sql(
            rusqlite::Error::QueryReturnedNoRows,
            "reading the change log counters (meta rows missing)",
        )),
    }
}

/// The column codes of a change row.
pub(super) fn kind_code(kind: ChangeKind) -> i64 {
    match kind {
        ChangeKind::Created => 1,
        ChangeKind::Changed => 2,
        ChangeKind::Deleted => 3,
        ChangeKind::Replaced => 4,
    }
}

pub(super) fn kind_of(code: i64) -> Option<ChangeKind> {
    Some(match code {
        1 => ChangeKind::Created,
        2 => ChangeKind::Changed,
        3 => ChangeKind::Deleted,
        4 => ChangeKind::Replaced,
        _ => return None,
    })
}

/// (object code, interface key, interface name, protocol id) of a change row.
pub(super) fn object_columns(
    object: &ChangedObject,
) -> (i64, Option<i64>, Option<&str>, Option<i64>) {
    match object {
        ChangedObject::Configuration => (1, None, None, None),
        ChangedObject::Server => (2, None, None, None),
        ChangedObject::Interface(id) => (3, Some(i64::from(id.key)), Some(&id.name), None),
        ChangedObject::IfTransport(id) => (
            4,
            Some(i64::from(id.interface.key)),
            Some(&id.interface.name),
            Some(i64::from(id.protocol_id)),
        ),
        ChangedObject::Transport(id) => (5, None, None, Some(i64::from(id.protocol_id))),
    }
}

/// A change row back as a [`Change`]; `None` if the row does not decode (damaged or written by
/// something else), which the reader reports as corruption.
pub(super) fn change_of(r: &Row<'_>) -> rusqlite::Result<Option<Change>> {
    let seq: i64 = r.get(0)?;
    let generation: i64 = r.get(1)?;
    let kind: i64 = r.get(2)?;
    let object: i64 = r.get(3)?;
    let if_key: Option<i64> = r.get(4)?;
    let if_name: Option<String> = r.get(5)?;
    let protocol: Option<i64> = r.get(6)?;
    let version: Option<i64> = r.get(7)?;
    let interface = || -> Option<InterfaceId> {
        Some(InterfaceId {
            key: u32::try_from(if_key?).ok()?,
            name: if_name.clone()?,
        })
    };
    let protocol_id = || protocol.and_then(|p| u32::try_from(p).ok());
    let object = match object {
        1 => Some(ChangedObject::Configuration),
        2 => Some(ChangedObject::Server),
        3 => interface().map(ChangedObject::Interface),
        4 => interface().and_then(|interface| {
            Some(ChangedObject::IfTransport(IfTransportId {
                interface,
                protocol_id: protocol_id()?,
            }))
        }),
        5 => protocol_id().map(|protocol_id| ChangedObject::Transport(TransportId { protocol_id })),
        _ => None,
    };
    Ok((|| {
        Some(Change {
            seq: u64::try_from(seq).ok()?,
            generation: u64::try_from(generation).ok()?,
            kind: kind_of(kind)?,
            object: object?,
            version: match version {
                None => None,
                Some(v) => Some(Version::from_raw(u64::try_from(v).ok()?)),
            },
        })
    })())
}

impl ChangeLogTx for Tx<'_> {
    fn append_change(&mut self, change: &ChangeRecord) -> Result<u64> {
        self.writable()?;
        let mut log = self.log_state()?;
        let seq = log.last + 1;
        let generation = self.write_version()?;
        let (object, if_key, if_name, protocol) = object_columns(&change.object);
        let version = change.version.map(|v| to_sql_int(v.raw())).transpose()?;
        let (seq_col, generation_col) = (to_sql_int(seq)?, to_sql_int(generation)?);
        self.state
            .conn
            .prepare_cached(
                "INSERT INTO changes (seq, generation, kind, object, if_key, if_name, protocol, version)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    seq_col,
                    generation_col,
                    kind_code(change.kind),
                    object,
                    if_key,
                    if_name,
                    protocol,
                    version
                ])
            })
            .map_err(|e| StoreError::sql(e, "recording a change"))?;
        log.last = seq;
        log.appended += 1;
        self.log = Some(log);
        Ok(seq)
    }

    fn changes_after(&mut self, after: u64, max: usize) -> Result<ChangePage> {
        let log = self.log_state()?;
        if after < log.trimmed || after > log.last {
            return Err(position_lost(after, log.trimmed, log.last));
        }
        let limit = i64::try_from(max).unwrap_or(i64::MAX);
        let mut stmt = self
            .state
            .conn
            .prepare_cached(
                "SELECT seq, generation, kind, object, if_key, if_name, protocol, version
                 FROM changes WHERE seq > ?1 ORDER BY seq LIMIT ?2",
            )
            .map_err(StoreError::from)?;
        let rows = stmt
            .query_map(params![to_sql_int(after)?, limit], change_of)
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| StoreError::sql(e, "reading the change log"))?;
        let changes = rows
            .into_iter()
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| {
                Error::new(
                    WinError::ERROR_BADDB,
                    "the change log holds a row that does not decode",
                )
            })?;
        Ok(ChangePage {
            changes,
            last_seq: log.last,
        })
    }

    fn last_seq(&mut self) -> Result<u64> {
        Ok(self.log_state()?.last)
    }
}
