import { createRoot } from 'react-dom/client';
import '../../styles/app.css';
import { WatchApp } from './App';

const root = document.getElementById('root');
if (root) createRoot(root).render(<WatchApp />);
