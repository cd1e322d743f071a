// A server-paged list (the one pagination shape: ?page&pageSize&q → {items,page,pageSize,total}) shown
// in an antd Table, with the friendly error when the server refuses.
import { useQuery } from '@tanstack/react-query';
import { Alert, Input, Space, Table, Typography, type TableColumnsType } from 'antd';
import { useState, type ReactNode } from 'react';
import { api, friendlyError, type Page } from '../shared/api.ts';
import { useT } from '../shared/i18n/index.tsx';

export function PageTitle({ children, extra }: { children: ReactNode; extra?: ReactNode }) {
  return (
    <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
      <Typography.Title level={3} style={{ margin: 0 }}>{children}</Typography.Title>
      {extra}
    </Space>
  );
}

export function ErrorNotice({ error }: { error: unknown }) {
  const t = useT();
  return <Alert role="alert" type="error" showIcon message={friendlyError(t, error)} style={{ marginBottom: 12 }} />;
}

export function PagedTable<T extends object>({
  url, columns, rowKey, filters = {}, search = true, testId,
}: {
  url: string;
  columns: TableColumnsType<T>;
  rowKey: keyof T & string;
  filters?: Record<string, string | number | boolean | undefined>;
  search?: boolean;
  testId?: string;
}) {
  const t = useT();
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const [q, setQ] = useState('');
  const query = useQuery({
    queryKey: [url, page, pageSize, q, filters],
    queryFn: () => api.get<Page<T>>(url, { page, pageSize, q: q || undefined, ...filters }),
    placeholderData: (prev) => prev,
  });
  return (
    <>
      {search && (
        <Input.Search
          aria-label={t('common.search')}
          placeholder={t('common.searchPlaceholder')}
          allowClear
          onSearch={(v) => { setQ(v.trim()); setPage(1); }}
          style={{ maxWidth: 320, marginBottom: 12 }}
        />
      )}
      {query.isError && <ErrorNotice error={query.error} />}
      <Table<T>
        data-testid={testId}
        rowKey={rowKey}
        size="middle"
        loading={query.isFetching}
        columns={columns}
        dataSource={query.data?.items ?? []}
        scroll={{ x: 'max-content' }}
        pagination={{
          current: page, pageSize, total: query.data?.total ?? 0, showSizeChanger: true,
          showTotal: (n) => t('common.total', { n }),
          onChange: (p, s) => { setPage(p); setPageSize(s); },
        }}
      />
    </>
  );
}
