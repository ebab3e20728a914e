#include "store/sqlite/participant_writer.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/sqlite/extra_fields_codec.hpp"

namespace onstage::store::sqlite {
namespace {

// Columns per row after the shared event id (?1).
constexpr int kRowParameters = 7;

// "INSERT … VALUES (?1, ?2, …, ?8), (?1, ?9, …, ?15), …": ?1 is the event id for every row.
std::string insert_sql(std::size_t rows) {
    std::string sql =
        "INSERT INTO participants (event_id, id, role, position, full_name, email, "
        "access_key_hash, extra) VALUES ";
    int next = 2;
    for (std::size_t row = 0; row < rows; ++row) {
        sql += row == 0 ? "(?1" : ", (?1";
        for (int column = 0; column < kRowParameters; ++column) {
            sql += ", ?" + std::to_string(next++);
        }
        sql += ')';
    }
    return sql;
}

// The text columns of a row, stored one after another in the arena from `offset` on.
enum Text : std::size_t { kId, kFullName, kEmail, kAccessKeyHash, kExtra, kTextColumns };

struct PackedRow {
    // The first 8 bytes of the id as a big-endian number. It orders like the id does (SQLite's
    // BINARY collation and std::string both compare unsigned bytes), so most comparisons of the
    // sort stay inside this array.
    std::uint64_t id_prefix = 0;
    std::size_t offset = 0;
    std::array<std::size_t, kTextColumns> sizes{};
    domain::Role role = domain::Role::attendee;
    std::int64_t position = 0;
};

std::uint64_t id_prefix(std::string_view id) {
    std::uint64_t prefix = 0;
    for (std::size_t i = 0; i < sizeof(prefix); ++i) {
        auto byte = i < id.size() ? static_cast<unsigned char>(id[i]) : 0U;
        prefix = (prefix << 8U) | byte;
    }
    return prefix;
}

// Room for the fixed JSON punctuation of one extra field: [["",""]],
constexpr std::size_t kExtraFieldOverhead = 8;

// The rows in id order and the arena their text lives in. Rows hold offsets, not pointers, so
// the arena may grow while it is filled; it is sized up front only to avoid copying it.
class PackedRoster {
public:
    explicit PackedRoster(std::span<const domain::Participant> participants) {
        std::size_t bytes = 0;
        for (const auto& p : participants) {
            bytes += p.id.size() + p.full_name.size() + p.email.size() + p.access_key_hash.size();
            for (const auto& field : p.extra) {
                bytes += field.name.size() + field.value.size() + kExtraFieldOverhead;
            }
        }
        arena_.reserve(bytes);
        rows_.reserve(participants.size());
        for (const auto& p : participants) {
            rows_.push_back(pack(p));
        }
        std::sort(rows_.begin(), rows_.end(), [this](const PackedRow& a, const PackedRow& b) {
            return a.id_prefix != b.id_prefix ? a.id_prefix < b.id_prefix
                                              : text(a, kId) < text(b, kId);
        });
    }

    const std::vector<PackedRow>& rows() const { return rows_; }

    std::string_view text(const PackedRow& row, Text column) const {
        std::size_t start = row.offset;
        for (std::size_t i = 0; i < column; ++i) {
            start += row.sizes.at(i);
        }
        return std::string_view(arena_).substr(start, row.sizes.at(column));
    }

    // An id that appears twice (rows are sorted, so repeats are neighbours).
    std::optional<std::string> repeated_id() const {
        auto same = std::adjacent_find(rows_.begin(), rows_.end(),
                                       [this](const PackedRow& a, const PackedRow& b) {
                                           return text(a, kId) == text(b, kId);
                                       });
        if (same == rows_.end()) {
            return std::nullopt;
        }
        return std::string(text(*same, kId));
    }

private:
    PackedRow pack(const domain::Participant& p) {
        PackedRow row;
        row.id_prefix = id_prefix(p.id);
        row.offset = arena_.size();
        row.role = p.role;
        row.position = p.position;
        for (const std::string* text : {&p.id, &p.full_name, &p.email, &p.access_key_hash}) {
            arena_ += *text;
        }
        append_extra_fields(p.extra, arena_);
        row.sizes = {p.id.size(), p.full_name.size(), p.email.size(), p.access_key_hash.size(),
                     arena_.size() - row.offset - p.id.size() - p.full_name.size() -
                         p.email.size() - p.access_key_hash.size()};
        return row;
    }

    std::string arena_;
    std::vector<PackedRow> rows_;
};

void bind_row(BoundStatement& query, std::size_t row_in_batch, const PackedRoster& roster,
              const PackedRow& row) {
    int i = 2 + static_cast<int>(row_in_batch) * kRowParameters;
    query.bind(i, roster.text(row, kId)).bind(i + 1, domain::to_string(row.role));
    query.bind(i + 2, row.position).bind(i + 3, roster.text(row, kFullName));
    query.bind(i + 4, roster.text(row, kEmail)).bind(i + 5, roster.text(row, kAccessKeyHash));
    query.bind(i + 6, roster.text(row, kExtra));
}

}  // namespace

ParticipantWriter::ParticipantWriter(Database& db)
    : batch_(db.prepare(insert_sql(kBatchRows), "insert participants")),
      single_(db.prepare(insert_sql(1), "insert participant")) {}

void ParticipantWriter::insert(std::string_view event_id,
                               std::span<const domain::Participant> participants) {
    PackedRoster roster(participants);
    if (auto repeated = roster.repeated_id()) {
        throw StoreError(StoreErrorCode::conflict, "create event '" + std::string(event_id) +
                                                       "': participant id '" + *repeated +
                                                       "' appears twice");
    }
    const auto& rows = roster.rows();
    std::size_t done = 0;
    {
        auto query = batch_->use();
        query.bind(1, event_id);
        for (; rows.size() - done >= kBatchRows; done += kBatchRows) {
            for (std::size_t row = 0; row < kBatchRows; ++row) {
                bind_row(query, row, roster, rows[done + row]);
            }
            query.run();
            query.reset();
        }
    }
    auto query = single_->use();
    query.bind(1, event_id);
    for (; done < rows.size(); ++done) {
        bind_row(query, 0, roster, rows[done]);
        query.run();
        query.reset();
    }
}

}  // namespace onstage::store::sqlite
